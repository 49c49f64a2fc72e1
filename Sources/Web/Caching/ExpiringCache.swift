import Synchronization

/// A small in-process cache whose entries live for a fixed time: for figures that may be a
/// moment old (a dashboard's counts) but are asked for on every page view.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let capacity: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[Key: Entry]>([:])

    /// `capacity` bounds memory: beyond it, expired entries are dropped, and if none are, all.
    init(lifetime: Duration, capacity: Int = 10_000, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
    }

    /// The cached value while it is fresh, otherwise `load()`'s, which is then kept. Two callers
    /// missing at once both load; the later result wins, which is harmless for read-only figures.
    func value(for key: Key, load: () async throws -> Value) async rethrows -> Value {
        let instant = now()
        if let entry = entries.withLock({ $0[key] }), entry.expires > instant {
            return entry.value
        }
        let value = try await load()
        let expires = now() + lifetime
        entries.withLock { entries in
            if entries.count >= capacity {
                let current = now()
                entries = entries.filter { $0.value.expires > current }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[key] = Entry(value: value, expires: expires)
        }
        return value
    }

    var count: Int { entries.withLock { $0.count } }
}
