/// What a discovery search looks for. Codes and regions are checked against the reference data
/// by the form; a search with no region searches all of Russia.
public struct ProspectSearchCriteria: Sendable, Hashable, Codable {
    /// OKVED2 codes as picked.
    public var okvedCodes: [String]
    /// The picked codes that stand for their whole subtree; the others are asked for alone.
    /// Each code decides for itself: `62` with its subtree beside `46.51` without.
    public var subtreeCodes: [String]
    /// Two digits each; empty: every region.
    public var regionCodes: [String]
    /// Whole roubles, last reported year.
    public var revenueMin: Int64?
    public var revenueMax: Int64?
    public var headcountMin: Int?
    public var headcountMax: Int?
    public var activeOnly: Bool

    /// Every picked code with its subtree, or none.
    public init(okvedCodes: [String], includeSubtrees: Bool = true, regionCodes: [String] = [], revenueMin: Int64? = nil,
                revenueMax: Int64? = nil, headcountMin: Int? = nil, headcountMax: Int? = nil, activeOnly: Bool = true) {
        self.init(okvedCodes: okvedCodes, subtreeCodes: includeSubtrees ? okvedCodes : [], regionCodes: regionCodes, revenueMin: revenueMin,
                  revenueMax: revenueMax, headcountMin: headcountMin, headcountMax: headcountMax, activeOnly: activeOnly)
    }

    /// Each code in `subtreeCodes` (and among `okvedCodes`) with its subtree, the others alone.
    public init(okvedCodes: [String], subtreeCodes: [String], regionCodes: [String] = [], revenueMin: Int64? = nil,
                revenueMax: Int64? = nil, headcountMin: Int? = nil, headcountMax: Int? = nil, activeOnly: Bool = true) {
        self.okvedCodes = okvedCodes
        self.subtreeCodes = okvedCodes.filter { subtreeCodes.contains($0) }
        self.regionCodes = regionCodes
        self.revenueMin = revenueMin
        self.revenueMax = revenueMax
        self.headcountMin = headcountMin
        self.headcountMax = headcountMax
        self.activeOnly = activeOnly
    }

    /// Whether the picked `code` stands for its subtree.
    public func includesSubtree(of code: String) -> Bool {
        subtreeCodes.contains(code)
    }

    /// Every picked code with its subtree.
    public var includeSubtrees: Bool {
        okvedCodes.allSatisfy { subtreeCodes.contains($0) }
    }

    /// No picked code with its subtree.
    public var excludesSubtrees: Bool {
        subtreeCodes.isEmpty
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

/// Stored as JSON with saved searches and runs. Criteria written before each code chose for
/// itself have no `subtreeCodes`, only the one `includeSubtrees` flag for all codes: they read
/// as every code with its subtree, or none, as they meant. The flag is still written (true when
/// every code has its subtree), so it never contradicts the list.
extension ProspectSearchCriteria {
    private enum CodingKeys: String, CodingKey {
        case okvedCodes, subtreeCodes, includeSubtrees, regionCodes, revenueMin, revenueMax, headcountMin, headcountMax, activeOnly
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let codes = try container.decode([String].self, forKey: .okvedCodes)
        let subtrees: [String]
        if let listed = try container.decodeIfPresent([String].self, forKey: .subtreeCodes) {
            subtrees = listed
        } else {
            let everyCode = try container.decodeIfPresent(Bool.self, forKey: .includeSubtrees) ?? true
            subtrees = everyCode ? codes : []
        }
        self.init(
            okvedCodes: codes, subtreeCodes: subtrees,
            regionCodes: try container.decodeIfPresent([String].self, forKey: .regionCodes) ?? [],
            revenueMin: try container.decodeIfPresent(Int64.self, forKey: .revenueMin),
            revenueMax: try container.decodeIfPresent(Int64.self, forKey: .revenueMax),
            headcountMin: try container.decodeIfPresent(Int.self, forKey: .headcountMin),
            headcountMax: try container.decodeIfPresent(Int.self, forKey: .headcountMax),
            activeOnly: try container.decodeIfPresent(Bool.self, forKey: .activeOnly) ?? true)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(okvedCodes, forKey: .okvedCodes)
        try container.encode(subtreeCodes, forKey: .subtreeCodes)
        try container.encode(includeSubtrees, forKey: .includeSubtrees)
        try container.encode(regionCodes, forKey: .regionCodes)
        try container.encodeIfPresent(revenueMin, forKey: .revenueMin)
        try container.encodeIfPresent(revenueMax, forKey: .revenueMax)
        try container.encodeIfPresent(headcountMin, forKey: .headcountMin)
        try container.encodeIfPresent(headcountMax, forKey: .headcountMax)
        try container.encode(activeOnly, forKey: .activeOnly)
    }
}
