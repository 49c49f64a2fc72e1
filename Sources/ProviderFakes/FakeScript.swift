import Synchronization

/// Produces the structured answer (JSON text) for a request when no canned answer is queued.
public typealias FakeAnswerFunction = @Sendable (FakeReceivedRequest) -> String

/// What a fake provider will do, set up by the test: a queue of canned outcomes (consumed one
/// per request, first in first out), a latency, a seeded fault rate, and the answer function
/// used when the queue is empty. It also remembers every request received and which prompt
/// prefixes it has seen, so a repeated prefix is reported as cached input like the real
/// providers' prompt caches do.
public final class FakeScript: Sendable {
    private struct State {
        var queue: [FakeOutcome] = []
        var latency: Duration = .zero
        var faultRate: Double = 0
        var random: FakeRandom
        var answerFunction: FakeAnswerFunction
        var citing: [FakeSearchResult] = []
        var received: [FakeReceivedRequest] = []
        var seenPrefixes: Set<String> = []
        var promptCacheMinimumTokens = 0
        var nextID = 0
    }

    private let state: Mutex<State>

    /// `seed` drives the fault rate; `answer` defaults to the smallest answer the schema allows.
    public init(seed: UInt64 = 0x5EED, answer: @escaping FakeAnswerFunction = FakeScript.minimalAnswer) {
        state = Mutex(State(random: FakeRandom(seed: seed), answerFunction: answer))
    }

    /// The first value of every enum, empty strings, zeros, nulls for nullable fields.
    public static let minimalAnswer: FakeAnswerFunction = { request in
        FakeSchemaAnswer.minimal(for: request.schema).encoded()
    }

    /// Queue outcomes for the next requests, in order.
    public func enqueue(_ outcomes: FakeOutcome...) {
        state.withLock { $0.queue.append(contentsOf: outcomes) }
    }

    /// Added to every reply before it is sent.
    public var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    /// The share of unqueued requests (0…1) answered with the provider's transient error
    /// (OpenAI 500, Anthropic 529, DeepSeek 503) instead of an answer.
    public var faultRate: Double {
        get { state.withLock { $0.faultRate } }
        set { state.withLock { $0.faultRate = min(max(newValue, 0), 1) } }
    }

    /// A prefix shorter than this is never cached (real providers: OpenAI and Anthropic 1024,
    /// DeepSeek 64). Zero by default so short test prompts show caching.
    public var promptCacheMinimumTokens: Int {
        get { state.withLock { $0.promptCacheMinimumTokens } }
        set { state.withLock { $0.promptCacheMinimumTokens = newValue } }
    }

    public func setAnswerFunction(_ answer: @escaping FakeAnswerFunction) {
        state.withLock { $0.answerFunction = answer }
    }

    /// The pages an answer from the answer function cites when the request searches the web
    /// (a queued `.answer` names its own); none by default.
    public var citing: [FakeSearchResult] {
        get { state.withLock { $0.citing } }
        set { state.withLock { $0.citing = newValue } }
    }

    /// Every request received, in arrival order.
    public var receivedRequests: [FakeReceivedRequest] {
        state.withLock { $0.received }
    }

    /// Outcomes queued and not yet used.
    public var pendingOutcomes: Int {
        state.withLock { $0.queue.count }
    }

    // MARK: For the provider fakes

    func record(_ request: FakeReceivedRequest) {
        state.withLock { $0.received.append(request) }
    }

    /// The queued outcome, else `fault` at the fault rate, else an answer from the function.
    func nextOutcome(fault: FakeOutcome) -> FakeOutcome {
        var outcome = FakeOutcome.answer()
        state.withLock { state in
            if !state.queue.isEmpty {
                outcome = state.queue.removeFirst()
            } else if state.faultRate > 0, state.random.unit() < state.faultRate {
                outcome = fault
            } else {
                outcome = .answer(nil, citing: state.citing)
            }
        }
        return outcome
    }

    /// Puts an outcome first in the queue (a paused turn's continuation).
    func pushFront(_ outcome: FakeOutcome) {
        state.withLock { $0.queue.insert(outcome, at: 0) }
    }

    func answer(for request: FakeReceivedRequest) -> String {
        let function = state.withLock { $0.answerFunction }
        return function(request)
    }

    /// Tokens of `prefix` served from the cache: all of them when this exact prefix was seen
    /// before (and is long enough to be cached), none the first time, which caches it.
    func cachedTokens(prefix: String, tokens: Int) -> Int {
        var cached = 0
        state.withLock { state in
            let seenBefore = !state.seenPrefixes.insert(prefix).inserted
            if seenBefore, tokens >= state.promptCacheMinimumTokens {
                cached = tokens
            }
        }
        return cached
    }

    /// `chatcmpl_000001`-style ids, unique within this script.
    func nextID(_ prefix: String) -> String {
        var number = 0
        state.withLock { state in
            state.nextID += 1
            number = state.nextID
        }
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
