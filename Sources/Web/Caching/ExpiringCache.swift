import Synchronization

/// A small in-process cache whose entries live for a fixed time: for figures that may be a
/// moment old (a dashboard's counts) but are asked for on every page view.
///
/// When an entry expires, the first caller loads it again and callers arriving meanwhile get the
/// expired value instead of loading too: a page views thirty times at once would otherwise
/// queue thirty copies of the same queries on the database exactly when the figures expire,
/// which was the dashboard's slowest percentile. A value is therefore at most `lifetime` plus
/// one load old.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: ContinuousClock.Instant
        /// A caller is loading the next value.
        var refreshing = false
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

    /// The cached value while it is fresh, otherwise `load()`'s, which is then kept; while
    /// another caller is loading it, the expired value. Two callers missing a key that was never
    /// loaded both load; the later result wins, which is harmless for read-only figures.
    func value(for key: Key, load: () async throws -> Value) async rethrows -> Value {
        let instant = now()
        let kept: Value? = entries.withLock { entries in
            guard var entry = entries[key] else { return nil }
            if entry.expires > instant || entry.refreshing { return entry.value }
            entry.refreshing = true
            entries[key] = entry
            return nil
        }
        if let kept { return kept }
        let value: Value
        do {
            value = try await load()
        } catch {
            // The next caller tries again.
            entries.withLock { entries in entries[key]?.refreshing = false }
            throw error
        }
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
