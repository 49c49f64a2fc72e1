import Foundation

/// The client list's filters, order and page, as the list page's query string gives them.
public struct ClientListQuery: Sendable, Hashable {
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case name
        case createdAt = "created"
        case revenue
        case headcount
        case status
    }

    /// Words of the name, or the first digits of the INN.
    public var text: String?
    public var statuses: Set<ClientStatus>
    public var enrichment: EnrichmentState?
    /// Two digits.
    public var regionCode: String?
    /// An OKVED code; matches the code and its subtree (`62` finds `62.01`).
    public var okvedPrefix: String?
    /// Only clients enrichment found an e-mail, a phone, a decision maker for (false: any).
    public var hasEmail: Bool
    public var hasPhone: Bool
    public var hasDecisionMaker: Bool
    /// Only the clients imported from this discovery run.
    public var originRunID: UUID?
    public var sort: Sort
    public var descending: Bool
    /// From 1.
    public var page: Int
    public var pageSize: Int

    public init(text: String? = nil, statuses: Set<ClientStatus> = [], enrichment: EnrichmentState? = nil, regionCode: String? = nil,
                okvedPrefix: String? = nil, hasEmail: Bool = false, hasPhone: Bool = false, hasDecisionMaker: Bool = false,
                originRunID: UUID? = nil, sort: Sort = .createdAt, descending: Bool = true, page: Int = 1, pageSize: Int = 50) {
        self.text = text
        self.statuses = statuses
        self.enrichment = enrichment
        self.regionCode = regionCode
        self.okvedPrefix = okvedPrefix
        self.hasEmail = hasEmail
        self.hasPhone = hasPhone
        self.hasDecisionMaker = hasDecisionMaker
        self.originRunID = originRunID
        self.sort = sort
        self.descending = descending
        self.page = max(1, page)
        self.pageSize = min(max(1, pageSize), 200)
    }
}

/// One page of the client list.
public struct ClientPage: Sendable, Hashable {
    public var clients: [ClientSummary]
    /// Clients matching the filters, on every page.
    public var totalCount: Int
    public var page: Int
    public var pageSize: Int

    public init(clients: [ClientSummary], totalCount: Int, page: Int, pageSize: Int) {
        self.clients = clients
        self.totalCount = totalCount
        self.page = page
        self.pageSize = pageSize
    }

    public var pageCount: Int { max(1, (totalCount + pageSize - 1) / pageSize) }
    public var hasNext: Bool { page < pageCount }
    public var hasPrevious: Bool { page > 1 }
}
