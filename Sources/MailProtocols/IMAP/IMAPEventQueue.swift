import Synchronization

/// A queue with one consumer that, unlike `AsyncStream`, does not end when the consuming task
/// is cancelled: IDLE must go on reading after cancellation until the server has answered
/// DONE, or the connection would be left out of step.
final class IMAPEventQueue<Element: Sendable>: Sendable {
    private struct State {
        var pending: [Element] = []
        var waiter: CheckedContinuation<Element, Never>?
    }

    private let state = Mutex(State())

    func push(_ element: Element) {
        let waiter = state.withLock { state -> CheckedContinuation<Element, Never>? in
            guard let waiter = state.waiter else {
                state.pending.append(element)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: element)
    }

    /// The next element, waiting for one if need be. Only one caller may wait at a time.
    func next() async -> Element {
        await withCheckedContinuation { (continuation: CheckedContinuation<Element, Never>) in
            let ready = state.withLock { state -> Element? in
                if !state.pending.isEmpty { return state.pending.removeFirst() }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
