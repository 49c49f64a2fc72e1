/// Time since this value was made, read from any `Clock` — the continuous clock in production,
/// a hand-moved clock in tests — without the clock's instant type leaking into the types that
/// keep time (the rate limiter's window, the accounting's latency).
public struct ElapsedTimeClock: Sendable {
    private let readElapsed: @Sendable () -> Duration
    private let sleepUntilElapsed: @Sendable (Duration) async throws -> Void

    public init<C: Clock>(clock: C) where C.Duration == Duration {
        let origin = clock.now
        readElapsed = { origin.duration(to: clock.now) }
        sleepUntilElapsed = { try await clock.sleep(until: origin.advanced(by: $0), tolerance: nil) }
    }

    public static var continuous: ElapsedTimeClock { ElapsedTimeClock(clock: ContinuousClock()) }

    /// Time elapsed since this value was made.
    public func elapsed() -> Duration { readElapsed() }

    /// Returns once `elapsed()` has reached `deadline`; throws `CancellationError` on cancel.
    public func sleep(untilElapsed deadline: Duration) async throws {
        try await sleepUntilElapsed(deadline)
    }
}
