/// What a discovery search looks for. Codes and regions are checked against the reference data
/// by the form; a search with no region searches all of Russia.
public struct ProspectSearchCriteria: Sendable, Hashable, Codable {
    /// OKVED2 codes as picked.
    public var okvedCodes: [String]
    /// Each picked code stands for its whole subtree.
    public var includeSubtrees: Bool
    /// Two digits each; empty: every region.
    public var regionCodes: [String]
    /// Whole roubles, last reported year.
    public var revenueMin: Int64?
    public var revenueMax: Int64?
    public var headcountMin: Int?
    public var headcountMax: Int?
    public var activeOnly: Bool

    public init(okvedCodes: [String], includeSubtrees: Bool = true, regionCodes: [String] = [], revenueMin: Int64? = nil,
                revenueMax: Int64? = nil, headcountMin: Int? = nil, headcountMax: Int? = nil, activeOnly: Bool = true) {
        self.okvedCodes = okvedCodes
        self.includeSubtrees = includeSubtrees
        self.regionCodes = regionCodes
        self.revenueMin = revenueMin
        self.revenueMax = revenueMax
        self.headcountMin = headcountMin
        self.headcountMax = headcountMax
        self.activeOnly = activeOnly
    }

    /// Whether a record's revenue and headcount fall in the ranges. An unknown value passes:
    /// most small companies publish neither, and dropping them would hide most of the market.
    public func admits(revenue: Int64?, headcount: Int?) -> Bool {
        if let revenue {
            if let revenueMin, revenue < revenueMin { return false }
            if let revenueMax, revenue > revenueMax { return false }
        }
        if let headcount {
            if let headcountMin, headcount < headcountMin { return false }
            if let headcountMax, headcount > headcountMax { return false }
        }
        return true
    }
}
