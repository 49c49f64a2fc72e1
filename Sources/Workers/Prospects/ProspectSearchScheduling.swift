import Domain
import Foundation
import Storage

/// Saved searches that repeat: one periodic `prospects.search` job per search, under the key
/// `prospects.search.<searchID>`, every `repeatEveryDays` days, with the search in its payload
/// (see `ProspectSearchJob`). The pages schedule a search when it is saved with a period and
/// unschedule it when it is deleted; a job that finds its search gone removes its own schedule.
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

    public func unschedule(searchID: UUID) async throws {
        try await queue.unschedule(key: Self.scheduleKey(searchID: searchID))
    }

    public func isScheduled(searchID: UUID) async throws -> Bool {
        try await queue.isScheduled(key: Self.scheduleKey(searchID: searchID))
    }
}
