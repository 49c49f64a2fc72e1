import Domain
import MailProtocols

/// When a sync round shows on the mailbox's status badge. "Syncing" means an import is really
/// running: a poll of a connected mailbox that finds nothing new must not flash it every
/// minute. "Connected" and the time of the last sync mean the mailbox has caught up: a long
/// import that goes on in a continuation job stays "syncing" until its last batch is stored.
/// Errors and pauses are marked as before (a failure marks the error, a pause is never touched).
enum SyncStatusPolicy {
    /// Marked syncing before connecting: a first import, a continuation of one, a retry after
    /// an error. A connected mailbox waits until a batch brings something.
    static func marksSyncingAtStart(_ status: MailboxSyncStatus) -> Bool {
        status != .connected
    }

    /// A batch with messages, or with more behind it, is an import under way.
    static func marksSyncing(before batch: MailboxBatch) -> Bool {
        !batch.messages.isEmpty || batch.hasMore
    }

    /// Connected, the error cleared and the last sync time set, only when no continuation is queued.
    static func marksSynced(hasMore: Bool) -> Bool {
        !hasMore
    }
}
