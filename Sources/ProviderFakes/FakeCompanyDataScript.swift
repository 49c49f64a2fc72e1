import Synchronization

/// What a company-data fake will do, set up by the test: the companies it knows, a queue of
/// canned outcomes (consumed one per request, first in first out), a latency, a seeded fault
/// rate, and a daily quota that runs out like the real one. It also remembers every request.
public final class FakeCompanyDataScript: Sendable {
    private struct State {
        var companies: [FakeCompany]
        var queue: [FakeCompanyDataOutcome] = []
        var latency: Duration = .zero
        var faultRate: Double = 0
        var random: FakeRandom
        var remainingCalls: Int?
        var callsToday = 0
        var balance: Double
        var received: [FakeCompanyDataRequest] = []
    }

    private let state: Mutex<State>

    /// `dailyLimit`: answered calls before the quota runs out (nil: never). `balance`: what
    /// Checko reports in `meta.balance`, in roubles.
    public init(companies: [FakeCompany] = FakeCompany.samples, seed: UInt64 = 0x5EED, dailyLimit: Int? = nil, balance: Double = 1_000) {
        state = Mutex(State(companies: companies, random: FakeRandom(seed: seed), remainingCalls: dailyLimit, balance: balance))
    }

    /// Queue outcomes for the next requests, in order.
    public func enqueue(_ outcomes: FakeCompanyDataOutcome...) {
        state.withLock { $0.queue.append(contentsOf: outcomes) }
    }

    public var companies: [FakeCompany] {
        get { state.withLock { $0.companies } }
        set { state.withLock { $0.companies = newValue } }
    }

    /// Added to every reply before it is sent.
    public var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    /// The share of unqueued requests (0…1) answered with the provider's 500 instead.
    public var faultRate: Double {
        get { state.withLock { $0.faultRate } }
        set { state.withLock { $0.faultRate = min(max(newValue, 0), 1) } }
    }

    /// Answered calls left today; nil for no limit. At zero every request gets the quota error.
    public var remainingCalls: Int? {
        get { state.withLock { $0.remainingCalls } }
        set { state.withLock { $0.remainingCalls = newValue } }
    }

    /// Answered calls so far (Checko's `meta.today_request_count`).
    public var callsToday: Int {
        state.withLock { $0.callsToday }
    }

    /// Every request received, in arrival order.
    public var receivedRequests: [FakeCompanyDataRequest] {
        state.withLock { $0.received }
    }

    /// Outcomes queued and not yet used.
    public var pendingOutcomes: Int {
        state.withLock { $0.queue.count }
    }

    // MARK: For the company-data fakes

    func record(_ request: FakeCompanyDataRequest) {
        state.withLock { $0.received.append(request) }
    }

    /// The queued outcome, else the quota error once the limit is used up, else a server error
    /// at the fault rate, else an answer.
    func nextOutcome() -> FakeCompanyDataOutcome {
        state.withLock { state in
            if !state.queue.isEmpty { return state.queue.removeFirst() }
            if let remaining = state.remainingCalls, remaining <= 0 { return .quotaExhausted }
            if state.faultRate > 0, state.random.unit() < state.faultRate { return .serverError }
            return .answer
        }
    }

    /// Counts an answered call against the quota; returns the calls so far today.
    func countCall() -> Int {
        state.withLock { state in
            state.callsToday += 1
            if let remaining = state.remainingCalls { state.remainingCalls = max(0, remaining - 1) }
            return state.callsToday
        }
    }

    var balance: Double {
        state.withLock { $0.balance }
    }
}
