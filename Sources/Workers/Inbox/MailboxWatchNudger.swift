import Synchronization

/// Told that the set of mailboxes to watch has changed (one was added, resumed, reconfigured,
/// paused or removed), so the IDLE watchers follow at once instead of at the next periodic
/// rescan. `MailboxIdleService` is one; the web's mailbox pages hold it when `serve` runs the
/// workers in its own process. A worker in another process has no such line to the web, and
/// relies on its (short) rescan interval instead.
public protocol MailboxWatchNudger: Sendable {
    /// Rescan the mailboxes soon. Never waits, never fails; nudges that arrive before the rescan
    /// runs are one rescan.
    func mailboxesChanged()
}

/// A wake-up for one waiting loop: ``wait(upTo:)`` returns after its timeout, at ``signal()``
/// or when the task is cancelled, whichever comes first. A signal while nobody waits is kept
/// (once) for the next wait, so a change made during a rescan is not lost.
final class RescanSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// One waiter at a time (the service's supervising loop).
    func wait(upTo timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    // A cancellation that came before the waiter was registered found nobody to
                    // wake: it is seen here instead.
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.wake(id)
        }
        timer.cancel()
    }

    /// Resumes the waiter `id` if it is still waiting (the timeout and cancellation of an
    /// earlier wait must not end a later one).
    private func wake(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
