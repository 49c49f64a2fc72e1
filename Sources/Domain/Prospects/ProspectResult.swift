import Foundation

/// A company a discovery run found, as the results table shows it. Whether it is a client is
/// worked out when the row is read, not when it was found, so a result imported a minute ago
/// (or added by hand since) shows as a client.
public struct ProspectResult: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let runID: UUID
    public let inn: String
    public let name: String
    /// Two digits; the record's region, else the region the query asked for.
    public let regionCode: String?
    /// The record's main code, else the code the query asked for (a provider's search answer
    /// may name the activity in words only).
    public let okvedCode: String?
    /// Whole roubles, last reported year.
    public let revenue: Int64?
    public let headcount: Int?
    public let companyStatus: CompanyStatus?
    /// The tenant's client with this INN, when there is one.
    public let clientID: UUID?

    public init(id: UUID, runID: UUID, inn: String, name: String, regionCode: String?, okvedCode: String?, revenue: Int64?, headcount: Int?,
                companyStatus: CompanyStatus?, clientID: UUID?) {
        self.id = id
        self.runID = runID
        self.inn = inn
        self.name = name
        self.regionCode = regionCode
        self.okvedCode = okvedCode
        self.revenue = revenue
        self.headcount = headcount
        self.companyStatus = companyStatus
        self.clientID = clientID
    }

    public var isClient: Bool { clientID != nil }
}

/// One page of a run's results, in the order they were found: the checked ones, or those
/// marked "not checked" (a range needed a figure nobody gave).
public struct ProspectResultPage: Sendable, Hashable {
    public var results: [ProspectResult]
    /// Results of the run in this group (checked, or not checked), on every page.
    public var totalCount: Int
    /// Of those, how many are clients already.
    public var clientCount: Int
    /// Results of the run marked "not checked", whichever group the page shows.
    public var notCheckedCount: Int
    public var page: Int
    public var pageSize: Int

    public init(results: [ProspectResult], totalCount: Int, clientCount: Int, notCheckedCount: Int = 0, page: Int, pageSize: Int) {
        self.results = results
        self.totalCount = totalCount
        self.clientCount = clientCount
        self.notCheckedCount = notCheckedCount
        self.page = page
        self.pageSize = pageSize
    }

    public var pageCount: Int { max(1, (totalCount + pageSize - 1) / pageSize) }
    public var hasNext: Bool { page < pageCount }
    public var hasPrevious: Bool { page > 1 }
}
