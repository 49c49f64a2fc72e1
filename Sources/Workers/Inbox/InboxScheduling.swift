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

    let queue: JobQueue

    public init(queue: JobQueue) {
        self.queue = queue
    }

    public static func syncScheduleKey(mailboxID: UUID) -> String {
        "inbox.sync.\(mailboxID.uuidString.lowercased())"
    }

    /// Polls `mailbox` every `interval` seconds (the first run is due at once when the schedule
    /// is new). Calling it again changes only what differs.
    public func scheduleSync(for mailbox: Mailbox, interval: TimeInterval = InboxScheduling.defaultSyncInterval) async throws {
        try await queue.schedule(
            key: Self.syncScheduleKey(mailboxID: mailbox.id), kind: InboxJobs.syncKind, every: max(1, interval),
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

    /// Schedules every mailbox that should be polled (not paused) and has no schedule at all:
    /// run at worker start-up, so mailboxes added before polling existed are picked up too. A
    /// schedule a refused login ended stays ended until `scheduleSync` revives it.
    public func scheduleAll(_ mailboxes: MailboxRepository, interval: TimeInterval = InboxScheduling.defaultSyncInterval) async throws {
        for mailbox in try await mailboxes.listForSync() {
            let scheduled = try await isSyncScheduled(mailboxID: mailbox.id)
            if !scheduled {
                try await scheduleSync(for: mailbox, interval: interval)
            }
        }
    }
}
