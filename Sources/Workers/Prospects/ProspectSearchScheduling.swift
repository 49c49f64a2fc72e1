import Domain
import Foundation
import Storage

/// Saved searches that repeat: one periodic `prospects.search` job per search, under the key
/// `prospects.search.<searchID>`, every `repeatEveryDays` days, with the search in its payload
/// (see `ProspectSearchJob`). The pages schedule a search when it is saved with a period (or
/// resumed) and unschedule it when it is deleted (or paused: a search with a period and no
/// schedule is a paused one); a job that finds its search gone removes its own schedule.
///
/// The first scheduled run is due one period after saving, not at once: saving goes with a run
/// by hand whose results the person is looking at, and a scheduled run straight after it would
/// import them all before anyone chose.
public struct ProspectSearchScheduling: Sendable {
    static let day: TimeInterval = 24 * 3_600

    let queue: JobQueue

    public init(queue: JobQueue) {
        self.queue = queue
    }

    public static func scheduleKey(searchID: UUID) -> String {
        "prospects.search.\(searchID.uuidString.lowercased())"
    }

    /// Schedules the search every `repeatEveryDays` days (first run one period from `now`), or
    /// removes its schedule when it has none. Calling it again changes only what differs.
    public func schedule(_ search: ProspectSearch, now: Date = Date()) async throws {
        guard let days = search.repeatEveryDays else {
            try await unschedule(searchID: search.id)
            return
        }
        let interval = TimeInterval(max(1, days)) * Self.day
        try await queue.schedule(
            key: Self.scheduleKey(searchID: search.id), kind: ProspectSearchJob.kind, every: interval,
            payload: ProspectSearchJob.schedulePayload(searchID: search.id), companyID: search.companyID,
            firstRunAt: now.addingTimeInterval(interval))
    }

    /// Schedules the search again from `now`, its first run one period on: for a period that
    /// changed, whose old next run time no longer means anything.
    public func reschedule(_ search: ProspectSearch, now: Date = Date()) async throws {
        try await unschedule(searchID: search.id)
        try await schedule(search, now: now)
    }

    /// When each of the tenant's searches runs next on its schedule. A search missing here
    /// repeats by hand only, is paused, or its schedule failed for good.
    public func nextRuns(of searches: [ProspectSearch], companyID: UUID) async throws -> [UUID: Date] {
        let keys = Dictionary(searches.map { (Self.scheduleKey(searchID: $0.id), $0.id) }, uniquingKeysWith: { first, _ in first })
        let times = try await queue.nextRuns(keys: Array(keys.keys), companyID: companyID)
        var found: [UUID: Date] = [:]
        for (key, date) in times {
            if let id = keys[key] { found[id] = date }
        }
        return found
    }

    public func unschedule(searchID: UUID) async throws {
        try await queue.unschedule(key: Self.scheduleKey(searchID: searchID))
    }

    public func isScheduled(searchID: UUID) async throws -> Bool {
        try await queue.isScheduled(key: Self.scheduleKey(searchID: searchID))
    }
}
