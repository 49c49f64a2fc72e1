/// Per-tenant limits on LLM calls: at most `maxConcurrent` in flight and `maxPerWindow` started
/// in any rolling window (a minute by default). One tenant's burst of 10 000 messages cannot
/// starve the others of workers or run through the shared provider's rate limit.
///
/// Waiting callers are served first come, first served. A caller that must not wait (an
/// interactive request) gets `LLMError.rateLimitedLocally` instead. Every successful `acquire`
/// must be matched by one `release` for the same tenant.
public actor TenantRateLimiter {
    public struct Limits: Sendable, Hashable {
        public var maxConcurrent: Int
        public var maxPerWindow: Int
        public var window: Duration

        public init(maxConcurrent: Int = 4, maxPerWindow: Int = 60, window: Duration = .seconds(60)) {
            self.maxConcurrent = max(1, maxConcurrent)
            self.maxPerWindow = max(1, maxPerWindow)
            self.window = window
        }
    }

    /// What a tenant is using right now, for metrics and tests.
    public struct Load: Sendable, Hashable {
        public var inFlight: Int
        public var waiting: Int
        public var startedInWindow: Int

        public init(inFlight: Int, waiting: Int, startedInWindow: Int) {
            self.inFlight = inFlight
            self.waiting = waiting
            self.startedInWindow = startedInWindow
        }
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct TenantState {
        var inFlight = 0
        /// When each call in the current window started, oldest first (time on `clock`).
        var recentStarts: [Duration] = []
        var waiters: [Waiter] = []
        var wakeUpScheduled = false

        var isIdle: Bool { inFlight == 0 && recentStarts.isEmpty && waiters.isEmpty && !wakeUpScheduled }
    }

    public nonisolated let limits: Limits
    private let clock: ElapsedTimeClock
    private var tenants: [String: TenantState] = [:]
    private var nextWaiterID = 0

    public init(limits: Limits = Limits(), clock: ElapsedTimeClock = .continuous) {
        self.limits = limits
        self.clock = clock
    }

    /// Takes a slot for `tenant`, waiting in line when none is free unless `waitIfBusy` is false
    /// (then `LLMError.rateLimitedLocally`). Cancellation while waiting throws
    /// `CancellationError` and leaves the line.
    public func acquire(tenant: String, waitIfBusy: Bool = true) async throws {
        try Task.checkCancellation()
        var state = tenants[tenant] ?? TenantState()
        prune(&state)
        if state.waiters.isEmpty && hasCapacity(state) {
            grant(&state)
            tenants[tenant] = state
            return
        }
        tenants[tenant] = state.isIdle ? nil : state
        guard waitIfBusy else { throw LLMError.rateLimitedLocally }

        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                tenants[tenant, default: TenantState()].waiters.append(Waiter(id: id, continuation: continuation))
                serveWaiters(of: tenant)
            }
        } onCancel: {
            Task { await self.leaveLine(id: id, tenant: tenant) }
        }
    }

    /// Gives back the slot an `acquire` took and lets the next caller in line go.
    public func release(tenant: String) {
        guard var state = tenants[tenant], state.inFlight > 0 else { return }
        state.inFlight -= 1
        tenants[tenant] = state
        serveWaiters(of: tenant)
    }

    public func load(tenant: String) -> Load {
        guard var state = tenants[tenant] else { return Load(inFlight: 0, waiting: 0, startedInWindow: 0) }
        prune(&state)
        return Load(inFlight: state.inFlight, waiting: state.waiters.count, startedInWindow: state.recentStarts.count)
    }

    private func hasCapacity(_ state: TenantState) -> Bool {
        state.inFlight < limits.maxConcurrent && state.recentStarts.count < limits.maxPerWindow
    }

    private func grant(_ state: inout TenantState) {
        state.inFlight += 1
        state.recentStarts.append(clock.elapsed())
    }

    /// Starts that left the window no longer count.
    private func prune(_ state: inout TenantState) {
        let cutoff = clock.elapsed() - limits.window
        if let firstInside = state.recentStarts.firstIndex(where: { $0 > cutoff }) {
            state.recentStarts.removeFirst(firstInside)
        } else {
            state.recentStarts.removeAll()
        }
    }

    /// Lets waiting callers in, in order, while there is room; when only the window holds them
    /// back, wakes up once the oldest start leaves it.
    private func serveWaiters(of tenant: String) {
        guard var state = tenants[tenant] else { return }
        prune(&state)
        var admitted: [Waiter] = []
        while !state.waiters.isEmpty && hasCapacity(state) {
            admitted.append(state.waiters.removeFirst())
            grant(&state)
        }
        if !state.waiters.isEmpty, state.inFlight < limits.maxConcurrent, !state.wakeUpScheduled,
           let oldest = state.recentStarts.first {
            state.wakeUpScheduled = true
            let wakeUpAt = oldest + limits.window
            let clock = clock
            Task {
                try? await clock.sleep(untilElapsed: wakeUpAt)
                await self.wakeUp(tenant: tenant)
            }
        }
        tenants[tenant] = state.isIdle ? nil : state
        for waiter in admitted {
            waiter.continuation.resume()
        }
    }

    private func wakeUp(tenant: String) {
        tenants[tenant]?.wakeUpScheduled = false
        serveWaiters(of: tenant)
    }

    private func leaveLine(id: Int, tenant: String) {
        guard var state = tenants[tenant], let index = state.waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = state.waiters.remove(at: index)
        tenants[tenant] = state
        waiter.continuation.resume(throwing: CancellationError())
        serveWaiters(of: tenant)
    }
}
