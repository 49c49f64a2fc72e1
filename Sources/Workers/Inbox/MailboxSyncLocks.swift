import Foundation

/// One sync at a time per mailbox in this process: an IDLE wake-up, the poll and a resync can
/// all ask at once, and a second sync of the same mailbox would only fetch the same batch again.
/// Later callers wait their turn (rather than return), so a sync asked for after new mail
/// arrived still runs after the one under way. Other processes are not held back: storing is
/// idempotent, so a race there costs work, never data.
actor MailboxSyncLocks {
    private var held = Set<UUID>()
    private var waiting: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    func withLock<Value: Sendable>(_ mailboxID: UUID, _ body: @Sendable () async throws -> Value) async throws -> Value {
        await acquire(mailboxID)
        do {
            let value = try await body()
            release(mailboxID)
            return value
        } catch {
            release(mailboxID)
            throw error
        }
    }

    private func acquire(_ mailboxID: UUID) async {
        if held.insert(mailboxID).inserted { return }
        await withCheckedContinuation { waiting[mailboxID, default: []].append($0) }
    }

    /// Hands the lock straight to the next waiter, if any.
    private func release(_ mailboxID: UUID) {
        guard var queue = waiting[mailboxID], !queue.isEmpty else {
            held.remove(mailboxID)
            return
        }
        let next = queue.removeFirst()
        waiting[mailboxID] = queue.isEmpty ? nil : queue
        next.resume()
    }
}
