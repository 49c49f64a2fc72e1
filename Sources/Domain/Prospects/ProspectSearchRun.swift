import Foundation

/// One execution of a discovery search: the criteria as they were when it started, how far the
/// search job got, and what it found. The job stores results page by page and moves the cursor
/// (`queriesDone`, `nextPage`) with them, so the run page shows live counts and a retried job
/// goes on from the page it stopped at.
public struct ProspectSearchRun: Sendable, Hashable, Identifiable {
    public let id: UUID
    /// The tenant.
    public let companyID: UUID
    /// The saved search it ran; nil for a one-off search (or once the saved search is deleted).
    public let searchID: UUID?
    public let criteria: ProspectSearchCriteria
    public var status: ProspectSearchRunStatus
    /// Started by the saved search's schedule: imports what it finds that is not a client yet.
    public let isScheduled: Bool
    /// Provider queries the criteria expand into (codes × regions); 0 until the job starts.
    public var queriesTotal: Int
    /// Queries paged through to the end (or to the page cap).
    public var queriesDone: Int
    /// The page of query number `queriesDone` to ask for next, from 1.
    public var nextPage: Int
    /// Companies stored as results, each INN once.
    public var found: Int
    /// Results that became clients (by the schedule or by people's imports).
    public var imported: Int
    /// Companies a range needed a figure for that the search answer did not carry (revenue,
    /// headcount, or the exact OKVED code when subcodes are left out).
    public var lookupsWanted: Int
    /// Of those, how many were looked up (company card, finances); at most the deployment's
    /// lookups per run. The rest are results marked "not checked".
    public var lookupsDone: Int
    /// Why the run failed: a `ProspectProblem`'s stored form (runs from before it: plain words);
    /// never a key.
    public var error: String?
    public let createdAt: Date
    public var finishedAt: Date?

    public init(id: UUID, companyID: UUID, searchID: UUID?, criteria: ProspectSearchCriteria, status: ProspectSearchRunStatus, isScheduled: Bool,
                queriesTotal: Int, queriesDone: Int, nextPage: Int, found: Int, imported: Int, error: String?, createdAt: Date,
                finishedAt: Date?, lookupsWanted: Int = 0, lookupsDone: Int = 0) {
        self.id = id
        self.companyID = companyID
        self.searchID = searchID
        self.criteria = criteria
        self.status = status
        self.isScheduled = isScheduled
        self.queriesTotal = queriesTotal
        self.queriesDone = queriesDone
        self.nextPage = nextPage
        self.found = found
        self.imported = imported
        self.lookupsWanted = lookupsWanted
        self.lookupsDone = lookupsDone
        self.error = error
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    /// The most results one run stores. Beyond it a search is too broad to read through, and
    /// every further page is a paid call; the form and the run page say so.
    public static let maximumResults = 5_000
    /// The most pages asked for per code and region: with 100 companies a page, a thousand.
    public static let maximumPagesPerQuery = 10
    /// Reasons longer than this are cut for the page.
    public static let maximumErrorLength = 2_000

    /// Stopped at `maximumResults`: there may be more companies than the run shows.
    public var reachedResultLimit: Bool { found >= Self.maximumResults }
}

/// Where a run stands. `queued` until a worker picks the job up; `running` while it pages
/// through the providers (and while it waits to retry after an outage); then `finished` or
/// `failed` with the reason.
public enum ProspectSearchRunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued
    case running
    case finished
    case failed

    /// Nothing will change any more: the page stops polling.
    public var isOver: Bool { self == .finished || self == .failed }
}
