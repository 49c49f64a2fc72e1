import CompanyData
import Domain

/// How a discovery search's criteria become provider calls, and which of the companies the
/// providers answer count as results.
///
/// **Codes.** The one provider that searches by OKVED, Checko (`/v2/search?by=okved&query=…`),
/// takes one code per call and matches a company whose main code is that code or lies below it
/// by a dotted prefix: `62` finds `62.01` and `62.02.1` (INTEGRATIONS.md §5 gives the call; our
/// fake of Checko answers that way). So a picked code is asked for itself, and one query covers
/// its whole subtree: expanding `62` into the 16 codes of its subtree would ask 16 times for the
/// same companies, each query paged, each page a paid call against a quota of about a hundred a
/// day. Two cases need more than one query:
///
/// - a code whose last group has one digit (`62.0`, `62.03.1`) has children that continue the
///   group (`62.01`, `62.03.11`), which no dotted prefix reaches: it is asked for itself and its
///   children stand beside it (each of those covering its own subtree the same way);
/// - a section (`J`) is never sent, since no company registers a letter: its classes stand for
///   it, with or without "include subtree".
///
/// Each picked code decides for itself whether it stands for its subtree. A picked code with
/// its subtree under another picked code with its subtree adds nothing and is dropped. A code
/// without its subtree is asked for alone, and a record that names its main code must name
/// exactly that code; one that names none (Checko's search answers name the activity in words)
/// needs its code looked up (`missingFigures`). Any picked code under one that takes its
/// subtree adds nothing and is dropped.
///
/// **Regions.** Each code is asked for in each picked region; no region asks once, for all of
/// Russia. The order is fixed by the criteria alone, so a retried job finds its queries where it
/// left them.
///
/// **Results.** A company counts when its INN is valid (it becomes the client's key), it is
/// active (when asked for, and when the record says), it is in the query's region (when the
/// record says), and its revenue and headcount fall in the ranges. A figure the record does not
/// give passes `keeps`; `missingFigures` names it, and the job looks it up (company card,
/// finances) within its bound and asks `keeps` again, or stores the result as "not checked".
public struct ProspectSearchPlan: Sendable, Hashable {
    /// One provider search, paged through by the job.
    public struct Query: Sendable, Hashable {
        public let okvedCode: String
        /// Two digits; nil for all of Russia.
        public let regionCode: String?
        /// Only records whose main code is `okvedCode` itself count (a picked code without its subtree).
        public let matchesExactly: Bool

        public init(okvedCode: String, regionCode: String?, matchesExactly: Bool = false) {
            self.okvedCode = okvedCode
            self.regionCode = regionCode
            self.matchesExactly = matchesExactly
        }
    }

    /// The most queries one search may expand into: every query costs at least one call, and a
    /// search over many codes in many regions is better split. The form refuses more.
    public static let maximumQueries = 300

    public let criteria: ProspectSearchCriteria
    public let queries: [Query]

    /// Codes the reference table does not know (a saved search older than the table) are left out.
    public init(criteria: ProspectSearchCriteria, tree: OKVEDTree) {
        self.criteria = criteria
        var picked: [OKVEDEntry] = []
        // Looked up as the criteria spell the code: a saved search may hold `6201`.
        var withSubtrees = Set<String>()
        for code in criteria.okvedCodes {
            guard let entry = tree.entry(code) else { continue }
            if !picked.contains(entry) { picked.append(entry) }
            if criteria.includesSubtree(of: code) { withSubtrees.insert(entry.code) }
        }
        var codes: [(code: String, exact: Bool)] = []
        for entry in picked {
            // Covered already by a picked code above it that takes its subtree.
            guard !tree.path(to: entry.code).dropLast().contains(where: { withSubtrees.contains($0.code) }) else { continue }
            if withSubtrees.contains(entry.code) {
                codes += Self.covering(entry, in: tree).map { (code: $0, exact: false) }
            } else if entry.isSection {
                codes += Self.covering(entry, in: tree).map { (code: $0, exact: false) }
            } else {
                codes.append((code: entry.code, exact: true))
            }
        }
        var seen = Set<String>()
        codes = codes.filter { seen.insert($0.code).inserted }
        var regions: [String?] = []
        for code in criteria.regionCodes.map(RegionCatalog.normalizedCode) where !code.isEmpty && !regions.contains(code) {
            regions.append(code)
        }
        if regions.isEmpty { regions = [nil] }
        queries = codes.flatMap { code in regions.map { Query(okvedCode: code.code, regionCode: $0, matchesExactly: code.exact) } }
    }

    /// The codes to ask for so that a dotted-prefix match covers `entry` and everything under it.
    static func covering(_ entry: OKVEDEntry, in tree: OKVEDTree) -> [String] {
        if entry.isSection {
            return tree.children(of: entry.code).flatMap { covering($0, in: tree) }
        }
        let lastGroup = entry.code.split(separator: ".").last ?? ""
        guard lastGroup.count < 2 else { return [entry.code] }
        return [entry.code] + tree.children(of: entry.code).flatMap { covering($0, in: tree) }
    }

    /// A figure a range (or an exact code) needs that a record may not give.
    public enum Figure: String, Sendable, Hashable, CaseIterable {
        /// From the provider's finances (line 2110).
        case revenue
        /// From the company card (Checko's `СЧР`).
        case headcount
        /// The main OKVED code, from the company card.
        case okvedCode
    }

    /// The figures the criteria need for `query` that `record` does not give; empty when
    /// `keeps` can decide on the record as it is.
    public func missingFigures(_ record: CompanyRecord, for query: Query) -> Set<Figure> {
        var missing = Set<Figure>()
        if criteria.revenueMin != nil || criteria.revenueMax != nil, record.revenue == nil { missing.insert(.revenue) }
        if criteria.headcountMin != nil || criteria.headcountMax != nil, record.headcount == nil { missing.insert(.headcount) }
        if query.matchesExactly, record.mainOKVED == nil { missing.insert(.okvedCode) }
        return missing
    }

    /// Whether a company the provider answered for `query` is a result, as far as the record
    /// tells (a figure it does not give passes).
    ///
    /// Never inlined: Swift 6.3.1's optimizer crashes (an ownership-verifier failure in
    /// CopyPropagation) when this is inlined into `ProspectDiscovery.run`'s filter closure in a
    /// release build.
    @inline(never)
    public func keeps(_ record: CompanyRecord, for query: Query) -> Bool {
        guard ContactRules.inn(record.inn) != nil else { return false }
        if criteria.activeOnly, let status = record.status?.value, status != .active { return false }
        if let wanted = query.regionCode, let region = record.regionCode?.value, RegionCatalog.normalizedCode(region) != wanted { return false }
        if query.matchesExactly, let code = record.mainOKVED?.value.code, OKVEDTree.normalizedCode(code) != query.okvedCode { return false }
        return criteria.admits(revenue: record.revenue?.value.roubles, headcount: record.headcount?.value)
    }
}
