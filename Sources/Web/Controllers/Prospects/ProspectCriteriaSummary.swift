import CompanyData
import Domain
import Foundation

/// A search's criteria in words, as the run page and the saved searches list show them: the
/// codes (with their names on hover), the regions by name, the ranges in the visitor's digits.
struct ProspectCriteriaSummary {
    struct Code {
        let code: String
        let name: String?
        /// "+" after a code with its subtree when only some codes have theirs; empty otherwise.
        let mark: String
    }

    let codes: [Code]
    /// "With subtrees", "these codes only", or (some of each) "codes marked + with subcodes".
    let subtrees: String
    /// Region names joined, or "all of Russia".
    let regions: String
    /// "From 10 000 000 ₽ to 100 000 000 ₽", or "any".
    let revenue: String
    let headcount: String
    /// "Yes"/"No".
    let activeOnly: String
    /// The whole of it on one line, for the list of saved searches.
    let line: String

    /// Regions listed by name before "and N more".
    static let regionsNamed = 5

    init(_ criteria: ProspectSearchCriteria, okvedTree: OKVEDTree, regions catalog: RegionCatalog, locale: AppLocale,
         text: (String) -> String) {
        let mixed = !criteria.includeSubtrees && !criteria.excludesSubtrees
        codes = criteria.okvedCodes.map { code in
            Code(code: code, name: okvedTree.entry(code)?.name, mark: mixed && criteria.includesSubtree(of: code) ? "+" : "")
        }
        if mixed {
            subtrees = text("prospects_summary_marked_subtrees")
        } else {
            subtrees = text(criteria.includeSubtrees ? "prospects_summary_with_subtrees" : "prospects_summary_codes_only")
        }
        let names = criteria.regionCodes.map { code in catalog.region(code)?.fullName ?? code }
        if names.isEmpty {
            regions = text("prospects_summary_all_regions")
        } else if names.count > Self.regionsNamed {
            regions = names.prefix(Self.regionsNamed).joined(separator: ", ") + " " + text("prospects_summary_and_more") + " "
                + String(names.count - Self.regionsNamed)
        } else {
            regions = names.joined(separator: ", ")
        }
        revenue = Self.range(criteria.revenueMin, criteria.revenueMax, format: { ClientFormat.roubles($0, locale) }, text: text)
        headcount = Self.range(criteria.headcountMin.map { Int64($0) }, criteria.headcountMax.map { Int64($0) },
                               format: { ClientFormat.grouped($0, locale) }, text: text)
        activeOnly = text(criteria.activeOnly ? "common_yes" : "common_no")
        var parts = [codes.map { $0.code + $0.mark }.joined(separator: ", ") + " (" + subtrees + ")", regions]
        if criteria.revenueMin != nil || criteria.revenueMax != nil { parts.append(text("prospects_field_revenue") + ": " + revenue) }
        if criteria.headcountMin != nil || criteria.headcountMax != nil { parts.append(text("prospects_field_headcount") + ": " + headcount) }
        if criteria.activeOnly { parts.append(text("prospects_summary_active_only")) }
        line = parts.joined(separator: "; ")
    }

    private static func range(_ low: Int64?, _ high: Int64?, format: (Int64) -> String, text: (String) -> String) -> String {
        switch (low, high) {
        case (nil, nil): text("prospects_summary_any")
        case (let low?, nil): text("prospects_summary_from") + " " + format(low)
        case (nil, let high?): text("prospects_summary_to") + " " + format(high)
        case (let low?, let high?): text("prospects_summary_from") + " " + format(low) + " " + text("prospects_summary_to") + " " + format(high)
        }
    }
}
