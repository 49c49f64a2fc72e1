import Domain
import Foundation
import Logging
import MIME
import MailProtocols
import Observability
import Storage

/// `inbox.sync`: one sync round of one mailbox. From the stored checkpoint, `fetchNew` batch by
/// batch while the server has more (at most `maximumMessagesPerRun`, then a follow-up job is
/// queued); every batch is stored together with its checkpoint in one transaction, so a crash
/// or a failed fetch leaves the checkpoint at the last stored batch and the next run goes on
/// from there, missing nothing and storing nothing twice. New messages are queued for
/// classification (`InboxJobs.classifyChunkSize` a job) and linked to what they answer. Every
/// round ends with a sweep of the tenant for messages a dead classify job left without a
/// verdict (`UnclassifiedRecovery`). The mailbox shows "syncing" only while an import really
/// runs, and "connected" with its last sync time once it has caught up (`SyncStatusPolicy`).
///
/// A paused or removed mailbox is left alone (and its polling schedule removed). A refused
/// login marks the mailbox in error with plain words and ends the job for good: retrying would
/// only get the account locked. Other failures mark the mailbox too, and the job is retried.
public struct InboxSyncJob: JobHandler {
    public static let kind = InboxJobs.syncKind
    public var kind: String { Self.kind }

    public static let defaultMaximumMessagesPerRun = 2_000
    /// `fetchNew` calls per run at most, whatever they return (a server answering "more" with
    /// empty batches must not hold a worker forever).
    static let maximumBatchesPerRun = 200

    let mailboxes: MailboxRepository
    let messages: InboundMessageRepository
    let labels: LabelActionRepository
    let queue: JobQueue
    let connectors: any MailboxConnecting
    let replyLinker: ReplyLinker
    let audit: any AuditSink
    let locks: MailboxSyncLocks
    let recovery: UnclassifiedRecovery
    let maximumMessagesPerRun: Int
    let now: @Sendable () -> Date

    init(
        mailboxes: MailboxRepository, messages: InboundMessageRepository, labels: LabelActionRepository, queue: JobQueue,
        connectors: any MailboxConnecting, replyLinker: ReplyLinker, audit: any AuditSink, locks: MailboxSyncLocks,
        recovery: UnclassifiedRecovery, maximumMessagesPerRun: Int = InboxSyncJob.defaultMaximumMessagesPerRun,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.mailboxes = mailboxes
        self.messages = messages
        self.labels = labels
        self.queue = queue
        self.connectors = connectors
        self.replyLinker = replyLinker
        self.audit = audit
        self.locks = locks
        self.recovery = recovery
        self.maximumMessagesPerRun = max(1, maximumMessagesPerRun)
        self.now = now
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let (payload, companyID) = try InboxJobs.decode(InboxJobs.SyncPayload.self, from: job)
        var logger = context.logger
        logger[metadataKey: "mailbox"] = .string(payload.mailboxID.uuidString)
        let round = logger
        // The mailbox is read under the lock: a sync that waited may find it paused by now.
        try await locks.withLock(payload.mailboxID) {
            try await self.syncIfActive(payload.mailboxID, companyID: companyID, logger: round)
        }
    }

    private func syncIfActive(_ mailboxID: UUID, companyID: UUID, logger: Logger) async throws {
        let scheduling = InboxScheduling(queue: queue)
        let mailbox: Mailbox
        do {
            mailbox = try await mailboxes.find(mailboxID, companyID: companyID)
        } catch StorageError.notFound {
            try await scheduling.unscheduleSync(mailboxID: mailboxID)
            return
        }
        guard mailbox.isSyncable else {
            try await scheduling.unscheduleSync(mailboxID: mailbox.id)
            return
        }
        try await syncRound(mailbox, logger: logger)
    }

    /// What one round did.
    struct RoundOutcome: Sendable {
        var fetched = 0
        var stored = 0
        var hasMore = false
        /// Label actions of renumbered messages made pending again (see `moveRenumbered`).
        var labelsReapplied = 0
    }

    func syncRound(_ mailbox: Mailbox, logger: Logger) async throws {
        let credentials: MailboxCredentials
        do {
            credentials = try await mailboxes.credentials(for: mailbox)
        } catch StorageError.notFound {
            return
        }
        let showsSyncing = SyncStatusPolicy.marksSyncingAtStart(mailbox.status)
        if showsSyncing {
            try await mailboxes.markSyncing(mailbox.id, companyID: mailbox.companyID)
        }
        let session: MailboxSession
        do {
            session = try await connectors.open(mailbox, credentials: credentials)
        } catch {
            try await failed(mailbox, error, logger: logger)
        }
        let outcome: RoundOutcome
        do {
            outcome = try await fetchAndStore(mailbox, session: session, showsSyncing: showsSyncing, logger: logger)
            await session.close()
        } catch {
            await session.close()
            if let storage = error as? StorageError, storage == .notFound { return }  // removed while syncing
            try await failed(mailbox, error, logger: logger)
        }
        if outcome.hasMore {
            try await queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: mailbox.companyID))
        }
        if SyncStatusPolicy.marksSynced(hasMore: outcome.hasMore) {
            try await mailboxes.markSynced(mailbox.id, companyID: mailbox.companyID, at: now())
        }
        if outcome.stored > 0 {
            await audit.record(AuditEvent(
                time: now(), kind: "inbox.synced", companyID: mailbox.companyID,
                details: ["mailbox_id": mailbox.id.uuidString, "fetched": String(outcome.fetched), "stored": String(outcome.stored)]))
        }
        logger.debug("mailbox synced", metadata: ["fetched": "\(outcome.fetched)", "stored": "\(outcome.stored)", "more": "\(outcome.hasMore)"])
        // Labels a renumbered folder lost are written again now; label actions a failed label
        // job left pending get another turn with every poll.
        var labelsDue = outcome.labelsReapplied > 0
        if !labelsDue {
            labelsDue = !(try await labels.pending(mailboxID: mailbox.id, companyID: mailbox.companyID, limit: 1).isEmpty)
        }
        if labelsDue {
            try await queue.enqueue(InboxJobs.label(mailboxID: mailbox.id, companyID: mailbox.companyID))
        }
        await recoverUnclassified(companyID: mailbox.companyID, logger: logger)
    }

    /// Messages a dead classify job left without a verdict are queued again, within the limits
    /// of `UnclassifiedRecovery.sweep`. This round's mail is stored whatever happens here, so a
    /// failure is only logged: the next round sweeps again.
    private func recoverUnclassified(companyID: UUID, logger: Logger) async {
        do {
            guard case .queued(let count, let jobs) = try await recovery.sweep(companyID: companyID) else { return }
            logger.info("unclassified messages queued for classification again", metadata: ["messages": "\(count)", "jobs": "\(jobs)"])
            await audit.record(AuditEvent(
                time: now(), kind: UnclassifiedRecovery.auditKind, companyID: companyID,
                details: ["messages": String(count), "jobs": String(jobs), "trigger": "sweep"]))
        } catch {
            logger.warning("unclassified messages not queued again", metadata: ["error": "\(error)"])
        }
    }

    /// Batch after batch from the checkpoint on. While a batch is stored, the next one is
    /// already being read from the server (its starting point is the batch's checkpoint, known
    /// before storing): reading and parsing a batch took about as long as storing it, and each
    /// waited for the other. When storing fails, the batch read ahead is dropped and the retry
    /// starts from the stored checkpoint, as before. Unless `showsSyncing`, the mailbox is marked
    /// syncing before the first batch that brings anything (see `SyncStatusPolicy`).
    func fetchAndStore(_ mailbox: Mailbox, session: MailboxSession, showsSyncing: Bool, logger: Logger) async throws -> RoundOutcome {
        var checkpoint = try await loadCheckpoint(mailbox, logger: logger)
        var outcome = RoundOutcome()
        var syncingShown = showsSyncing
        var batches = 0
        var upcoming: Task<MailboxBatch, any Error>?
        do {
            repeat {
                let batch: MailboxBatch
                if let readAhead = upcoming {
                    batch = try await withTaskCancellationHandler {
                        try await readAhead.value
                    } onCancel: {
                        readAhead.cancel()
                    }
                    upcoming = nil
                } else {
                    batch = try await session.connector.fetchNew(since: checkpoint)
                }
                batches += 1
                if batch.hasMore && outcome.fetched + batch.messages.count < maximumMessagesPerRun && batches < Self.maximumBatchesPerRun {
                    let connector = session.connector
                    let next = batch.checkpoint
                    upcoming = Task { try await connector.fetchNew(since: next) }
                }
                if !syncingShown && SyncStatusPolicy.marksSyncing(before: batch) {
                    try await mailboxes.markSyncing(mailbox.id, companyID: mailbox.companyID)
                    syncingShown = true
                }
                let fetchedAt = now()
                let rows = batch.messages.map { Self.newMessage($0, fetchedAt: fetchedAt) }
                let companyID = mailbox.companyID
                let stored = try await messages.store(
                    rows, companyID: companyID, mailboxID: mailbox.id, checkpoint: try Self.encode(batch.checkpoint),
                    followUp: { InboxJobs.classifyJobs(messageIDs: $0.map(\.id), companyID: companyID) })
                checkpoint = batch.checkpoint
                outcome.fetched += batch.messages.count
                outcome.stored += stored.count
                outcome.hasMore = batch.hasMore
                outcome.labelsReapplied += try await moveRenumbered(rows, stored: stored, mailbox: mailbox)
                try await afterStoring(stored, mailbox: mailbox, logger: logger)
            } while outcome.hasMore && outcome.fetched < maximumMessagesPerRun && batches < Self.maximumBatchesPerRun && !Task.isCancelled
        } catch {
            await Self.abandon(upcoming)
            throw error
        }
        // Cancelled between batches: the read ahead must be over before the session closes.
        await Self.abandon(upcoming)
        return outcome
    }

    /// Stops a read ahead that will not be stored and waits until it no longer uses the session.
    private static func abandon(_ readAhead: Task<MailboxBatch, any Error>?) async {
        guard let readAhead else { return }
        readAhead.cancel()
        _ = try? await readAhead.value
    }

    /// Reply links of the new messages (their classify jobs were queued with them by `store`).
    private func afterStoring(_ stored: [InboundMessage], mailbox: Mailbox, logger: Logger) async throws {
        guard !stored.isEmpty else { return }
        do {
            for link in try await replyLinker.links(for: stored, companyID: mailbox.companyID) {
                var details = ["message_id": link.replyID.uuidString]
                switch link.target {
                case .outbound(let id):
                    details["target"] = "outbound"
                    details["linked_to"] = id.uuidString
                case .inbound(let id):
                    details["target"] = "inbound"
                    details["linked_to"] = id.uuidString
                }
                await audit.record(AuditEvent(time: now(), kind: "inbox.reply_linked", companyID: mailbox.companyID, details: details))
            }
        } catch {
            // The messages are stored and queued; a missed link is not worth fetching them again.
            logger.warning("reply linking failed", metadata: ["error": "\(error)"])
        }
    }

    /// Messages the store skipped as already known, but under another id than the stored one:
    /// an IMAP folder renumbered after a UIDVALIDITY change. Their stored ids move along, and
    /// their done `applyLabel` actions become pending again: a rebuilt folder has usually lost
    /// its keywords, and nothing else would ever write them again. Returns how many actions
    /// that was; the round queues a label job for them. Counts only go to the audit trail.
    private func moveRenumbered(_ rows: [NewInboundMessage], stored: [InboundMessage], mailbox: Mailbox) async throws -> Int {
        guard rows.count > stored.count else { return 0 }
        let storedItems = Set(stored.map(\.providerItemID))
        var moves: [String: String] = [:]
        for row in rows where !storedItems.contains(row.providerItemID) {
            if let messageID = row.messageID { moves[messageID] = row.providerItemID }
        }
        guard !moves.isEmpty else { return 0 }
        let result = try await messages.updateProviderItemIDs(moves, companyID: mailbox.companyID, mailboxID: mailbox.id)
        if result.labelsReapplied > 0 {
            await audit.record(AuditEvent(
                time: now(), kind: "inbox.labels_reapplied", companyID: mailbox.companyID,
                details: [
                    "mailbox_id": mailbox.id.uuidString, "messages": String(result.moved), "actions": String(result.labelsReapplied),
                    "reason": "renumbered_on_server",
                ]))
        }
        return result.labelsReapplied
    }

    private func loadCheckpoint(_ mailbox: Mailbox, logger: Logger) async throws -> MailboxCheckpoint? {
        guard let record = try await mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: mailbox.companyID) else { return nil }
        do {
            return try JSONDecoder().decode(MailboxCheckpoint.self, from: Data(record.json.utf8))
        } catch {
            // An unreadable checkpoint means importing the window again; deduplication keeps that harmless.
            logger.warning("unreadable sync checkpoint; importing again", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Marks the mailbox failed with the problem in plain words, then fails the job: for good
    /// when retrying cannot help (a refused login), else to be retried.
    private func failed(_ mailbox: Mailbox, _ error: any Error, logger: Logger) async throws -> Never {
        if error is CancellationError { throw error }
        let problem = MailProblemText.problem(for: error)
        logger.warning("mailbox sync failed", metadata: ["error": "\(error)"])
        try? await mailboxes.markFailed(mailbox.id, companyID: mailbox.companyID, error: problem.stored)
        if MailProblemText.isPermanent(error) { throw PermanentJobFailure(problem.englishText) }
        throw error
    }

    static func encode(_ checkpoint: MailboxCheckpoint) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(checkpoint), as: UTF8.self)
    }

    /// What Storage keeps of a fetched message; a message without a date counts as received
    /// when it was fetched.
    static func newMessage(_ message: MailboxMessage, fetchedAt: Date) -> NewInboundMessage {
        let sender = message.from.first
        return NewInboundMessage(
            providerItemID: message.item.rawValue, messageID: message.messageID, inReplyTo: message.inReplyTo,
            references: message.references, fromAddress: sender?.address ?? "", fromName: sender?.name,
            toAddresses: message.to.map(\.address), subject: message.subject ?? "", snippet: message.snippet,
            receivedAt: message.receivedAt ?? fetchedAt)
    }
}
