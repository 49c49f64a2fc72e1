import LLM
import Synchronization

/// Sleeps no real time: records each requested wait and returns (throwing when the task is
/// cancelled, as `Task.sleep` does).
final class SleepRecorder: Sendable {
    private let durations = Mutex<[Duration]>([])

    var recorded: [Duration] { durations.withLock { $0 } }

    var sleep: LLMSleep {
        { duration in
            try Task.checkCancellation()
            self.durations.withLock { $0.append(duration) }
        }
    }
}

/// A clock the test moves by hand: `sleep(until:)` returns once `advance(by:)` passes the
/// deadline, or throws on cancellation.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Swift.Duration

        func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Swift.Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Swift.Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        var id = 0
        state.withLock { state in
            state.nextID += 1
            id = state.nextID
        }
        let sleeperID = id
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var resumeAtOnce = false
                state.withLock { state in
                    if deadline <= state.now || Task.isCancelled {
                        resumeAtOnce = true
                    } else {
                        state.sleepers.append(Sleeper(id: sleeperID, deadline: deadline, continuation: continuation))
                    }
                }
                if resumeAtOnce {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                }
            }
        } onCancel: {
            var cancelled: Sleeper?
            state.withLock { state in
                if let index = state.sleepers.firstIndex(where: { $0.id == sleeperID }) {
                    cancelled = state.sleepers.remove(at: index)
                }
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    func advance(by duration: Swift.Duration) {
        var due: [Sleeper] = []
        state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
        }
        for sleeper in due {
            sleeper.continuation.resume()
        }
    }
}

/// Answers from a list of results, one per call, and counts the calls.
actor StubLLMClient: LLMClient {
    let provider: LLMProviderKind
    private var results: [Result<JSONValue, any Error>]
    private(set) var calls = 0

    init(_ provider: LLMProviderKind = .openAI, _ results: [Result<JSONValue, any Error>]) {
        self.provider = provider
        self.results = results
    }

    func complete(_ request: LLMRequest) async throws -> LLMResponse {
        calls += 1
        let next = results.isEmpty ? .success(.object([:])) : results.removeFirst()
        return LLMResponse(provider: provider, model: "stub-\(provider.rawValue)", output: try next.get(),
                           usage: LLMUsage(inputTokens: 100, outputTokens: 10))
    }
}

/// Takes `latency` per call and remembers how many calls were in flight at once.
actor GaugedLLMClient: LLMClient {
    private let latency: Duration
    private var inFlight = 0
    private(set) var mostInFlight = 0
    private(set) var calls = 0

    init(latency: Duration) {
        self.latency = latency
    }

    func complete(_ request: LLMRequest) async throws -> LLMResponse {
        calls += 1
        inFlight += 1
        mostInFlight = max(mostInFlight, inFlight)
        defer { inFlight -= 1 }
        try await Task.sleep(for: latency)
        return LLMResponse(provider: .openAI, model: "gauged", output: .object([:]), usage: LLMUsage())
    }
}
