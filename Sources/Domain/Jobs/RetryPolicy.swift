import Foundation

/// Exponential backoff with full jitter: attempt n waits a random time in
/// `[0, min(cap, base · 2^(n-1))]`. Jitter spreads retries of jobs that failed together
/// (a provider outage) so they do not all hit the recovered provider at the same second.
public struct RetryPolicy: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(base: TimeInterval = 5, cap: TimeInterval = 3_600) {
        self.base = base
        self.cap = cap
    }

    /// The longest delay attempt `attempt` (1-based) may wait.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        return min(cap, base * pow(2, exponent))
    }

    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> TimeInterval {
        // Never zero: a job that fails instantly must not spin.
        max(1, ceiling(afterAttempt: attempt) * random)
    }
}
