import Domain
import Foundation
import Storage

/// Messages left without a verdict, queued for classification again.
///
/// A classify job that fails on every attempt (the tenant's LLM down for its whole retry
/// window, say) ends `dead`, and nothing else would ever queue its messages again. Every sync
/// round of a mailbox sweeps its tenant (``sweep(companyID:)``), and the inbox's "Classify
/// again" button asks at once (``requeueNow(companyID:limit:)``). Neither queues anything while
/// a classify job of the tenant is queued, running or waiting to retry: that job may hold these
/// very messages, and two jobs classifying a message at once would pay the tenant's LLM twice
/// (see `InboundMessageRepository.queueUnclassified` for why two callers cannot race). The
/// classify job skips messages that have a verdict, so one queued again needlessly costs nothing.
public struct UnclassifiedRecovery: Sendable {
    /// The sweep leaves messages stored more recently alone. Their own classify jobs were queued
    /// with them, so the check for a live job already covers them; the margin keeps the sweep
    /// off mail that has only just arrived, whatever path brought it.
    public static let minimumAge: TimeInterval = 5 * 60
    /// After a classify job of the tenant died, the sweep waits this long: a provider that fails
    /// for good is tried again four times an hour, not at every poll of every mailbox.
    public static let backOffAfterDeath: TimeInterval = 15 * 60
    /// Messages one sweep queues at most; a later sweep, once their jobs are done, takes more.
    public static let sweepLimit = 1_000
    /// Messages one click of the button queues at most. More than a sweep: a person asked, and
    /// after a recent failure the sweep would wait out its back-off before taking the rest.
    public static let byHandLimit = 10_000
    /// The audit event of messages queued again; `trigger` says whether a sweep or a person did it.
    public static let auditKind = "inbox.classify_requeued"

    public enum Outcome: Sendable, Equatable {
        /// Classify jobs were queued for this many messages.
        case queued(messages: Int, jobs: Int)
        /// A classify job of the tenant is queued, running or waiting to retry.
        case alreadyQueued
        /// No message waits for a verdict.
        case nothingWaiting
        /// A classify job of the tenant died recently; the sweep tries again from `until` on.
        case backingOff(until: Date)
    }

    let messages: InboundMessageRepository
    let queue: JobQueue
    let now: @Sendable () -> Date

    public init(messages: InboundMessageRepository, queue: JobQueue, now: @escaping @Sendable () -> Date = { Date() }) {
        self.messages = messages
        self.queue = queue
        self.now = now
    }

    /// The automatic recovery: up to ``sweepLimit`` messages older than ``minimumAge``, unless a
    /// classify job is live or one died less than ``backOffAfterDeath`` ago.
    public func sweep(companyID: UUID) async throws -> Outcome {
        // Two cheap questions of the jobs table first: a sweep runs with every poll of every
        // mailbox, and the tenant's messages are searched only when both let it through.
        if try await queue.hasLiveJob(kind: InboxJobs.classifyKind, companyID: companyID) {
            return .alreadyQueued
        }
        if let died = try await queue.lastDeath(kind: InboxJobs.classifyKind, companyID: companyID) {
            let resumesAt = died.addingTimeInterval(Self.backOffAfterDeath)
            if now() < resumesAt { return .backingOff(until: resumesAt) }
        }
        return try await requeue(companyID: companyID, storedBefore: now().addingTimeInterval(-Self.minimumAge), limit: Self.sweepLimit)
    }

    /// A person's "Classify again": every message without a verdict (up to `limit`), at once,
    /// recent failure or not; still nothing while a classify job is live.
    public func requeueNow(companyID: UUID, limit: Int = UnclassifiedRecovery.byHandLimit) async throws -> Outcome {
        try await requeue(companyID: companyID, storedBefore: nil, limit: limit)
    }

    private func requeue(companyID: UUID, storedBefore: Date?, limit: Int) async throws -> Outcome {
        let outcome = try await messages.queueUnclassified(
            companyID: companyID, storedBefore: storedBefore, limit: limit, unlessLive: InboxJobs.classifyKind,
            jobs: { InboxJobs.classifyJobs(messageIDs: $0, companyID: companyID) })
        switch outcome {
        case .queued(let messages, let jobs): return .queued(messages: messages, jobs: jobs)
        case .alreadyQueued: return .alreadyQueued
        case .nothingWaiting: return .nothingWaiting
        }
    }
}
