import Domain
import Foundation
import Storage

/// Polling of mailboxes: every active mailbox has a periodic `inbox.sync` job, one row per
/// mailbox under the key `inbox.sync.<mailboxID>`. IDLE (where a server offers it) only makes
/// new mail arrive sooner; the poll stays as the safety net.
///
/// The web UI calls `scheduleSync` when a mailbox is created or resumed (and after its password
/// is fixed: that revives a schedule a refused login ended) and enqueues an immediate sync with
/// `syncNow`. A sync job that finds its mailbox paused or removed removes the schedule itself.
public struct InboxScheduling: Sendable {
    public static let defaultSyncInterval: TimeInterval = 60
    /// What `--sync-interval-seconds` accepts: polling more often than every 10 s only loads the
    /// servers (IDLE brings new mail sooner anyway); less often than daily is no polling at all.
    public static let syncIntervalRange: ClosedRange<TimeInterval> = 10...86_400

    let queue: JobQueue
    /// How often every mailbox is polled (`--sync-interval-seconds`). The web and the workers
    /// must be given the same: each renews the schedules with its own.
    public let interval: TimeInterval

    public init(queue: JobQueue, interval: TimeInterval = InboxScheduling.defaultSyncInterval) {
        self.queue = queue
        self.interval = interval
    }

    public static func syncScheduleKey(mailboxID: UUID) -> String {
        "inbox.sync.\(mailboxID.uuidString.lowercased())"
    }

    /// Polls `mailbox` every `interval` seconds (this scheduling's by default; the first run is
    /// due at once when the schedule is new). Calling it again changes only what differs.
    public func scheduleSync(for mailbox: Mailbox, interval: TimeInterval? = nil) async throws {
        try await queue.schedule(
            key: Self.syncScheduleKey(mailboxID: mailbox.id), kind: InboxJobs.syncKind, every: max(1, interval ?? self.interval),
            payload: InboxJobs.syncPayload(mailboxID: mailbox.id), companyID: mailbox.companyID, priority: InboxJobs.syncPriority)
    }

    public func unscheduleSync(mailboxID: UUID) async throws {
        try await queue.unschedule(key: Self.syncScheduleKey(mailboxID: mailboxID))
    }

    public func isSyncScheduled(mailboxID: UUID) async throws -> Bool {
        try await queue.isScheduled(key: Self.syncScheduleKey(mailboxID: mailboxID))
    }

    /// One sync as soon as a worker is free (a new or resumed mailbox, a "sync now" button).
    @discardableResult
    public func syncNow(_ mailbox: Mailbox) async throws -> UUID {
        try await queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: mailbox.companyID))
    }

    /// Schedules every mailbox that should be polled (not paused) and has no schedule at all,
    /// and gives the existing schedules this scheduling's interval: run at worker start-up, so
    /// mailboxes added before polling existed are picked up and a new `--sync-interval-seconds`
    /// applies to every mailbox. A schedule a refused login ended stays ended until
    /// `scheduleSync` revives it.
    public func scheduleAll(_ mailboxes: MailboxRepository) async throws {
        for mailbox in try await mailboxes.listForSync() {
            let key = Self.syncScheduleKey(mailboxID: mailbox.id)
            if try await queue.isScheduled(key: key) {
                try await queue.changeInterval(key: key, every: interval)
            } else {
                try await scheduleSync(for: mailbox)
            }
        }
    }

    /// Seconds between two polls of the mailbox, or `nil` when it is not polled.
    public func syncInterval(mailboxID: UUID) async throws -> TimeInterval? {
        try await queue.scheduledInterval(key: Self.syncScheduleKey(mailboxID: mailboxID))
    }
}
