import Synchronization

/// Wakes this process's idle job runners as soon as this process queues a job. A runner that
/// found the queue empty used to sleep its whole poll interval (half a second) before asking
/// again, so a classify job queued by a sync, or a label job queued by a classify job, waited
/// for it; in a big import that was a hop of up to half a second at every step. Jobs queued by
/// another process are still found by polling.
public final class JobArrivals: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var lastWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Changes with every arrival: read it before looking for work, and pass it to `wait`, so
    /// that a job queued in between is not slept through.
    public var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// A job was queued (or became due) in this process.
    public func notify() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiting
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns when a job has arrived since `seen` (at once if one has already), when `timeout`
    /// has passed, or when the task is cancelled.
    public func wait(after seen: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.arrival(after: seen) }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func arrival(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.lastWaiter &+= 1
            return state.lastWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Under the lock, so that a cancellation either finds the waiter to resume or
                // has already marked the task cancelled by the time it is looked at here.
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
