/// How hard to insist on one provider before giving up on it (and letting the fallback order
/// try the next one).
public struct LLMRetryPolicy: Sendable, Hashable {
    /// Calls in all, the first included.
    public var maxAttempts: Int
    /// The first backoff; it doubles with every failed attempt.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A server asking for a longer wait than this is not waited for: the error is final, so a
    /// worker is not held for minutes and another provider can answer instead.
    public var maxServerDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(20),
                maxServerDelay: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxServerDelay = maxServerDelay
    }

    /// The wait after `attempt` (1-based) failed without a server-given delay: exponential,
    /// capped, with "equal jitter" (half fixed, half random) so that many workers failing
    /// together do not come back together. `random` is in 0..<1.
    public func backoff(afterAttempt attempt: Int, random: Double) -> Duration {
        let exponential = min(baseDelay * (1 << min(max(attempt - 1, 0), 30)), maxDelay)
        return exponential * (0.5 + 0.5 * min(max(random, 0), 1))
    }
}
