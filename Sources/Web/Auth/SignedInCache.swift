import Storage
import Synchronization

/// Remembers for a moment whose session a cookie is, so a signed-in page does not start with a
/// database query every time.
///
/// Correctness rests on one rule: every request that may change a session, a user or a company
/// (any POST, and the few writes `SessionMiddleware` makes itself) calls `invalidateAll()` when
/// it is done. Each entry carries the generation that was current *before* its query ran, so a
/// lookup that raced with a write is never served afterwards. Writes made by another process
/// (a second web instance, the command line) are seen within `lifetime`; that bound is why the
/// lifetime is short. Sessions with a pending flash message are never cached: the flash is
/// shown once and cleared.
final class SignedInCache: Sendable {
    private struct Entry {
        let result: SignedInLookup.Result
        let generation: UInt64
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
    }

    static let defaultLifetime: Duration = .seconds(2)

    private let lookup: SignedInLookup
    private let lifetime: Duration
    private let capacity: Int
    private let state = Mutex(State())

    init(lookup: SignedInLookup, lifetime: Duration = SignedInCache.defaultLifetime, capacity: Int = 50_000) {
        self.lookup = lookup
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func resolve(cookie: String) async throws -> SignedInLookup.Result? {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state -> (Entry?, UInt64) in
            (state.entries[cookie], state.generation)
        }
        if let cached, cached.generation == generation, cached.expires > now {
            return cached.result
        }
        guard let result = try await lookup.resolve(cookie: cookie) else { return nil }
        guard result.session.flash == nil else { return result }
        let expires = ContinuousClock.now + lifetime
        state.withLock { state in
            // A write finished while we were querying: what we read may predate it.
            guard state.generation == generation else { return }
            if state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.expires > now }
                if state.entries.count >= capacity { state.entries.removeAll() }
            }
            state.entries[cookie] = Entry(result: result, generation: generation, expires: expires)
        }
        return result
    }

    /// Forget everything: called after anything that may have written a session, user or company.
    func invalidateAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
