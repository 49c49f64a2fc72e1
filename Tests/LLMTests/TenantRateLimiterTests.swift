import LLM
import Testing

/// The per-tenant limiter: concurrency, the rolling window on a hand-moved clock, first come
/// first served, tenants apart, refusing instead of waiting, and cancellation while waiting.
@Suite struct TenantRateLimiterTests {
    typealias Fixtures = ProviderFixtures

    /// Records the order in which waiting callers got their slot.
    actor Arrivals {
        private(set) var names: [String] = []
        func arrive(_ name: String) { names.append(name) }
    }

    @Test func callsBeyondTheConcurrencyLimitWaitInOrder() async throws {
        let limiter = TenantRateLimiter(limits: .init(maxConcurrent: 1, maxPerWindow: 100))
        try await limiter.acquire(tenant: "romashka")
        let arrivals = Arrivals()
        let first = Task {
            try await limiter.acquire(tenant: "romashka")
            await arrivals.arrive("first")
        }
        try await eventually { await limiter.load(tenant: "romashka").waiting == 1 }
        let second = Task {
            try await limiter.acquire(tenant: "romashka")
            await arrivals.arrive("second")
        }
        try await eventually { await limiter.load(tenant: "romashka").waiting == 2 }

        await limiter.release(tenant: "romashka")
        try await first.value
        #expect(await arrivals.names == ["first"])
        #expect(await limiter.load(tenant: "romashka") == TenantRateLimiter.Load(inFlight: 1, waiting: 1, startedInWindow: 2))

        await limiter.release(tenant: "romashka")
        try await second.value
        #expect(await arrivals.names == ["first", "second"])
    }

    @Test func aCallerThatMustNotWaitIsRefusedLocally() async throws {
        let limiter = TenantRateLimiter(limits: .init(maxConcurrent: 2))
        try await limiter.acquire(tenant: "romashka")
        try await limiter.acquire(tenant: "romashka")
        await #expect(throws: LLMError.rateLimitedLocally) {
            try await limiter.acquire(tenant: "romashka", waitIfBusy: false)
        }
        // Another tenant is not affected.
        try await limiter.acquire(tenant: "vasilek", waitIfBusy: false)
    }

    @Test func theWindowLimitWaitsUntilTheOldestCallLeavesIt() async throws {
        let clock = ManualClock()
        let limiter = TenantRateLimiter(limits: .init(maxConcurrent: 10, maxPerWindow: 2), clock: ElapsedTimeClock(clock: clock))
        for _ in 0..<2 {
            try await limiter.acquire(tenant: "romashka")
            await limiter.release(tenant: "romashka")
        }
        await #expect(throws: LLMError.rateLimitedLocally) {
            try await limiter.acquire(tenant: "romashka", waitIfBusy: false)
        }
        let third = Task { try await limiter.acquire(tenant: "romashka") }
        try await eventually { await limiter.load(tenant: "romashka").waiting == 1 }

        clock.advance(by: .seconds(59))
        try await Task.sleep(for: .milliseconds(20))
        #expect(await limiter.load(tenant: "romashka").waiting == 1)

        clock.advance(by: .seconds(1))
        try await third.value
        #expect(await limiter.load(tenant: "romashka") == TenantRateLimiter.Load(inFlight: 1, waiting: 0, startedInWindow: 1))
    }

    @Test func cancellingAWaitingCallerTakesItOutOfLine() async throws {
        let limiter = TenantRateLimiter(limits: .init(maxConcurrent: 1))
        try await limiter.acquire(tenant: "romashka")
        let waiting = Task { try await limiter.acquire(tenant: "romashka") }
        try await eventually { await limiter.load(tenant: "romashka").waiting == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await limiter.load(tenant: "romashka").waiting == 0)
        // The slot it never got is still free for the next caller once released.
        await limiter.release(tenant: "romashka")
        try await limiter.acquire(tenant: "romashka", waitIfBusy: false)
    }

    @Test func theLimitedClientKeepsToTheConcurrencyLimit() async throws {
        let limiter = TenantRateLimiter(limits: .init(maxConcurrent: 2, maxPerWindow: 100))
        let gauged = GaugedLLMClient(latency: .milliseconds(30))
        let client = LimitedLLMClient(base: gauged, limiter: limiter, tenantKey: "romashka")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask { _ = try await client.complete(Fixtures.request()) }
            }
            try await group.waitForAll()
        }
        #expect(await gauged.calls == 6)
        #expect(await gauged.mostInFlight == 2)
        #expect(await limiter.load(tenant: "romashka").inFlight == 0)
    }

    @Test func theLimitedClientReleasesItsSlotWhenTheCallFails() async throws {
        let limiter = TenantRateLimiter(limits: .init(maxConcurrent: 1))
        let failing = StubLLMClient(.openAI, [.failure(LLMError.truncated(provider: .openAI))])
        let client = LimitedLLMClient(base: failing, limiter: limiter, tenantKey: "romashka", waitIfBusy: false)
        let error = await llmError { try await client.complete(Fixtures.request()) }
        #expect(error == .truncated(provider: .openAI))
        _ = try await client.complete(Fixtures.request())
    }
}
