/// At most `limit` requests of one mailbox in flight; the others wait in arrival order. Exchange
/// counts concurrent requests per user and answers the excess with ErrorServerBusy, so waiting
/// here is cheaper than being throttled there.
actor EWSRequestLimiter {
    private let limit: Int
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Returns when the caller may send; it must call `release()` afterwards, whatever happens.
    /// A waiter whose task is cancelled still waits for its turn and then finds the cancellation
    /// in the request itself: the queue stays simple and no permit can be lost.
    func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            inFlight -= 1
        } else {
            // The permit passes straight to the next waiter; inFlight stays the same.
            waiting.removeFirst().resume()
        }
    }
}
