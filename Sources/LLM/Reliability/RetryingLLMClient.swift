import Logging

/// How the retry loop waits; tests pass one that records the durations and returns at once.
/// It must throw `CancellationError` when the task is cancelled, as `Task.sleep` does.
public typealias LLMSleep = @Sendable (Duration) async throws -> Void

/// Calls one provider again after a retryable failure (`LLMError.isRetryable`: rate limits,
/// overload, 5xx, timeouts). It waits exactly what the server asked (`retry-after-ms`,
/// `retry-after`) when it said, otherwise an exponential backoff with jitter. Everything else —
/// exhausted quota, a refused key, a bad request, a refusal — is final at once.
public struct RetryingLLMClient: LLMClient {
    private let base: any LLMClient
    private let policy: LLMRetryPolicy
    private let sleep: LLMSleep
    private let random: @Sendable () -> Double
    private let logger: Logger?

    public init(base: any LLMClient, policy: LLMRetryPolicy = LLMRetryPolicy(),
                sleep: @escaping LLMSleep = { try await Task.sleep(for: $0) },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                logger: Logger? = nil) {
        self.base = base
        self.policy = policy
        self.sleep = sleep
        self.random = random
        self.logger = logger
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            do {
                return try await base.complete(request)
            } catch let error as LLMError where error.isRetryable && attempt < policy.maxAttempts {
                let delay: Duration
                if let serverDelay = Self.serverDelay(of: error) {
                    guard serverDelay <= policy.maxServerDelay else { throw error }
                    delay = serverDelay
                } else {
                    delay = policy.backoff(afterAttempt: attempt, random: random())
                }
                logger?.info("LLM call failed, retrying", metadata: [
                    "llm.attempt": "\(attempt)",
                    "llm.outcome": "\(LLMCallOutcome(error: error).rawValue)",
                    "llm.retry_in_ms": "\(delay.wholeMilliseconds)",
                ])
                try await sleep(delay)
                attempt += 1
            }
        }
    }

    private static func serverDelay(of error: LLMError) -> Duration? {
        if case .transient(_, _, _, let retryAfter?) = error { return retryAfter }
        return nil
    }
}
