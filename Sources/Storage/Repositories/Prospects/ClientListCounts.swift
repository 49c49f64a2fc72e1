import Foundation
import Synchronization

/// The counts the client list shows (matches per order slice, clients per enrichment state),
/// kept for a few seconds per tenant and filter.
///
/// Counting 100,000 clients costs SQLite about 15 ms per count, and SQLite has one connection:
/// two counts per view capped the list at 32 views a second (`scripts/bench clients`). Paging
/// through one list asks the same counts again and again, so they are kept for `lifetime`
/// seconds; any change to a tenant's clients through a `ClientRepository` of this process
/// forgets that tenant's counts at once, and one made by another process (a separate worker)
/// shows within `lifetime`.
final class ClientListCounts: Sendable {
    static let shared = ClientListCounts(lifetime: 10, capacity: 2_000)

    private struct Entry {
        let generation: Int
        let storedAt: Date
        let values: [Int]
        /// A caller is computing the next values.
        var refreshing = false
    }

    private struct State {
        var generations: [UUID: Int] = [:]
        var entries: [String: Entry] = [:]
    }

    private let lifetime: TimeInterval
    private let capacity: Int
    private let state = Mutex(State())

    init(lifetime: TimeInterval, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The counts under `key` for `company`, computed by `compute` when missing or older than
    /// the lifetime. A value computed while the tenant's clients changed is returned but not kept.
    ///
    /// When kept counts expire with no change to the tenant's clients since, the first caller
    /// computes them again and callers arriving meanwhile get the expired ones: on PostgreSQL
    /// the eight list views running at once each counted 100,000 rows again exactly then, which
    /// was the list's slowest percentile.
    func values(company: UUID, key: String, now: Date = Date(), compute: () async throws -> [Int]) async throws -> [Int] {
        let fullKey = "\(company.uuidString)|\(key)"
        let (cached, generation) = state.withLock { state -> ([Int]?, Int) in
            let generation = state.generations[company] ?? 0
            guard var entry = state.entries[fullKey], entry.generation == generation, now.timeIntervalSince(entry.storedAt) >= 0 else {
                return (nil, generation)
            }
            if now.timeIntervalSince(entry.storedAt) < lifetime || entry.refreshing { return (entry.values, generation) }
            entry.refreshing = true
            state.entries[fullKey] = entry
            return (nil, generation)
        }
        if let cached { return cached }
        let values: [Int]
        do {
            values = try await compute()
        } catch {
            // The next caller tries again.
            state.withLock { state in state.entries[fullKey]?.refreshing = false }
            throw error
        }
        state.withLock { state in
            guard (state.generations[company] ?? 0) == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[fullKey] = Entry(generation: generation, storedAt: now, values: values)
        }
        return values
    }

    /// The tenant's clients changed: every count kept for it is stale.
    func forget(company: UUID) {
        state.withLock { state in
            state.generations[company, default: 0] += 1
        }
    }
}
