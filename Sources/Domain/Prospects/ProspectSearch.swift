import Foundation

/// A discovery search a tenant saved under a name, to run again by hand or on a schedule. A
/// scheduled run imports the companies it finds that are not clients yet; a run by hand only
/// lists them, and people choose what to import.
public struct ProspectSearch: Sendable, Hashable, Identifiable {
    public let id: UUID
    /// The tenant.
    public let companyID: UUID
    public var name: String
    public var criteria: ProspectSearchCriteria
    /// Runs again every this many days; nil: only when someone asks.
    public var repeatEveryDays: Int?
    public let createdAt: Date
    /// When its latest run was started (by hand or by the schedule).
    public var lastRunAt: Date?
    /// That run, for the list's link to its results.
    public var lastRunID: UUID?

    public init(id: UUID, companyID: UUID, name: String, criteria: ProspectSearchCriteria, repeatEveryDays: Int?, createdAt: Date,
                lastRunAt: Date?, lastRunID: UUID?) {
        self.id = id
        self.companyID = companyID
        self.name = name
        self.criteria = criteria
        self.repeatEveryDays = repeatEveryDays
        self.createdAt = createdAt
        self.lastRunAt = lastRunAt
        self.lastRunID = lastRunID
    }

    public var isScheduled: Bool { repeatEveryDays != nil }

    /// Names longer than this are refused with a field error rather than cut.
    public static let maximumNameLength = 200
    /// A schedule repeats at least daily and at most yearly: more often would spend a provider's
    /// daily quota on the same answers, less often is not a schedule anyone remembers having.
    public static let repeatDays = 1...365
}
