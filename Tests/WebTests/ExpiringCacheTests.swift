import Synchronization
import Testing
@testable import Web

@Suite struct ExpiringCacheTests {
    /// A clock the test moves by hand.
    final class ManualInstant: Sendable {
        let current = Mutex(ContinuousClock.now)
        func advance(_ duration: Duration) { current.withLock { $0 += duration } }
        var now: ContinuousClock.Instant { current.withLock { $0 } }
    }

    @Test func freshValuesAreReusedAndStaleOnesReloaded() async {
        let clock = ManualInstant()
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(2), now: { clock.now })
        let loads = Mutex(0)
        func load() -> Int { loads.withLock { $0 += 1; return $0 } }

        #expect(await cache.value(for: "a") { load() } == 1)
        clock.advance(.seconds(1))
        #expect(await cache.value(for: "a") { load() } == 1, "still fresh")
        #expect(await cache.value(for: "b") { load() } == 2, "keys are separate")
        clock.advance(.milliseconds(1500))
        #expect(await cache.value(for: "a") { load() } == 3, "expired, loaded again")
    }

    @Test func capacityBoundsTheEntries() async {
        let clock = ManualInstant()
        let cache = ExpiringCache<Int, Int>(lifetime: .seconds(60), capacity: 3, now: { clock.now })
        for key in 0..<10 { _ = await cache.value(for: key) { key } }
        #expect(cache.count <= 3)
        #expect(await cache.value(for: 9) { -1 } == 9, "the newest entry survives")
    }

    @Test func aFailedLoadIsNotCached() async throws {
        struct Failure: Error {}
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        await #expect(throws: Failure.self) { try await cache.value(for: "a") { throw Failure() } }
        #expect(try await cache.value(for: "a") { 7 } == 7)
    }

    @Test func whileOneCallerRefreshesOthersGetTheExpiredValue() async throws {
        let clock = ManualInstant()
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(2), now: { clock.now })
        #expect(await cache.value(for: "a") { 1 } == 1)
        clock.advance(.seconds(3))

        // The first caller after expiry loads; it is held inside its load until released.
        let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let refreshing = Task {
            await cache.value(for: "a") {
                startedSignal.yield()
                for await _ in release { break }
                return 2
            }
        }
        for await _ in started { break }
        #expect(await cache.value(for: "a") { Issue.record("a second load while one runs"); return -1 } == 1, "the expired value meanwhile")
        releaseSignal.yield()
        #expect(await refreshing.value == 2)
        #expect(await cache.value(for: "a") { -1 } == 2, "the new value once loaded")
    }

    @Test func aFailedRefreshLetsTheNextCallerLoad() async throws {
        struct Failure: Error {}
        let clock = ManualInstant()
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(2), now: { clock.now })
        #expect(await cache.value(for: "a") { 1 } == 1)
        clock.advance(.seconds(3))
        await #expect(throws: Failure.self) { try await cache.value(for: "a") { throw Failure() } }
        #expect(try await cache.value(for: "a") { 3 } == 3)
    }
}
