import Domain
/// What a discovery search asks one provider for: companies by OKVED code or by name, in one
/// region or anywhere. One code and one region per call: the search job expands the form's
/// codes (with their subtrees) and regions into calls and pages through each. Revenue and
/// headcount ranges are applied by the job to the records, since no provider filters on them.
public struct CompanySearchQuery: Sendable, Hashable, Codable {
    /// Words of the company name.
    public var name: String?
    /// An OKVED2 code such as `62.01`.
    public var okvedCode: String?
    /// Two digits, as in `RegionCatalog`.
    public var regionCode: String?
    public var activeOnly: Bool
    /// From 1.
    public var page: Int
    public var pageSize: Int

    public init(name: String? = nil, okvedCode: String? = nil, regionCode: String? = nil, activeOnly: Bool = true,
                page: Int = 1, pageSize: Int = 20) {
        self.name = name
        self.okvedCode = okvedCode
        self.regionCode = regionCode
        self.activeOnly = activeOnly
        self.page = max(1, page)
        self.pageSize = max(1, pageSize)
    }

    /// The capability the query needs: an OKVED code makes it an OKVED search.
    public var requiredCapability: CompanyDataCapability {
        okvedCode == nil ? .searchByName : .searchByOKVED
    }
}

/// One page of search results.
public struct CompanySearchPage: Sendable, Hashable, Codable {
    public var records: [CompanyRecord]
    public var page: Int
    /// All matches, when the provider says.
    public var totalCount: Int?
    /// Another page can be asked for.
    public var hasMore: Bool

    public init(records: [CompanyRecord], page: Int, totalCount: Int? = nil, hasMore: Bool) {
        self.records = records
        self.page = page
        self.totalCount = totalCount
        self.hasMore = hasMore
    }
}
