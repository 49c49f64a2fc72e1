import CompanyData
import Domain
import Foundation
import Workers

/// The discovery form as typed, and its check. Everything is kept as the person wrote it, so a
/// form with a mistake comes back with every field as it was and the mistake marked. OKVED codes
/// are typed into one field, separated by commas (the picker in `app.js` only helps type them),
/// so the form works without JavaScript; regions come from a list, but a tampered value is still
/// checked against the reference data.
///
/// Each code decides whether it takes its subtree: the list of picked codes under the field (the
/// page renders it for a form brought back, `app.js` keeps it in step as codes are typed) has a
/// checkbox per code (`subtree_code`) beside a hidden `subtree_listed` naming the code, so an
/// unticked box is told from a code with no box. A code with no box of its own (typed and sent
/// without JavaScript) follows the one "include subcodes" checkbox (`subtree`).
struct ProspectSearchForm {
    static let okvedField = "okved"
    static let subtreeField = "subtree"
    static let subtreeCodeField = "subtree_code"
    static let subtreeListedField = "subtree_listed"
    static let regionField = "region"
    static let revenueMinField = "revenue_min"
    static let revenueMaxField = "revenue_max"
    static let headcountMinField = "headcount_min"
    static let headcountMaxField = "headcount_max"
    static let activeField = "active"
    static let nameField = "name"
    static let repeatField = "repeat_days"

    /// More codes than this is a list nobody reads through; the field says so.
    static let maximumCodes = 50
    /// Digits of a figure: beyond any real revenue in roubles, and inside `Int64`.
    static let maximumDigits = 15

    var okved = ""
    /// For codes with no choice of their own.
    var includeSubtrees = true
    /// Codes that had a checkbox of their own, and those of them ticked, as sent.
    var listedCodes: [String] = []
    var tickedCodes: [String] = []
    var regions: [String] = []
    var revenueMin = ""
    var revenueMax = ""
    var headcountMin = ""
    var headcountMax = ""
    var activeOnly = true
    var name = ""
    var repeatDays = ""

    /// The empty form: subtrees and "active only" ticked, as most searches want.
    init() {}

    /// A posted form. Unticked checkboxes are not sent at all, so their absence means "off".
    init(form: FormData) {
        okved = form[Self.okvedField].trimmingCharacters(in: .whitespacesAndNewlines)
        includeSubtrees = form.has(Self.subtreeField)
        listedCodes = form.all(Self.subtreeListedField)
        tickedCodes = form.all(Self.subtreeCodeField)
        regions = form.all(Self.regionField).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        revenueMin = form[Self.revenueMinField].trimmingCharacters(in: .whitespacesAndNewlines)
        revenueMax = form[Self.revenueMaxField].trimmingCharacters(in: .whitespacesAndNewlines)
        headcountMin = form[Self.headcountMinField].trimmingCharacters(in: .whitespacesAndNewlines)
        headcountMax = form[Self.headcountMaxField].trimmingCharacters(in: .whitespacesAndNewlines)
        activeOnly = form.has(Self.activeField)
        name = form[Self.nameField].trimmingCharacters(in: .whitespacesAndNewlines)
        repeatDays = form[Self.repeatField].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A saved search's criteria, name and period, for editing it.
    init(search: ProspectSearch) {
        let criteria = search.criteria
        okved = criteria.okvedCodes.joined(separator: ", ")
        includeSubtrees = criteria.includeSubtrees
        listedCodes = criteria.okvedCodes
        tickedCodes = criteria.subtreeCodes
        regions = criteria.regionCodes
        revenueMin = criteria.revenueMin.map { String($0) } ?? ""
        revenueMax = criteria.revenueMax.map { String($0) } ?? ""
        headcountMin = criteria.headcountMin.map { String($0) } ?? ""
        headcountMax = criteria.headcountMax.map { String($0) } ?? ""
        activeOnly = criteria.activeOnly
        name = search.name
        repeatDays = search.repeatEveryDays.map { String($0) } ?? ""
    }

    /// The typed codes the reference data knows, each once, with its name: shown under the
    /// field so a form brought back (a mistake, or editing) reads as words, not bare numbers.
    func knownCodes(okvedTree: OKVEDTree) -> [OKVEDEntry] {
        var seen = Set<String>()
        return Self.codes(in: okved).compactMap { okvedTree.entry($0) }.filter { seen.insert($0.code).inserted }
    }

    /// Whether the picked code (as the tree spells it) takes its subtree: its own checkbox when
    /// it had one, otherwise the form's default.
    func includesSubtree(of entry: OKVEDEntry, okvedTree: OKVEDTree) -> Bool {
        let canonical = { (codes: [String]) in Set(codes.compactMap { okvedTree.entry($0)?.code }) }
        guard canonical(listedCodes).contains(entry.code) else { return includeSubtrees }
        return canonical(tickedCodes).contains(entry.code)
    }

    /// What a valid form asks for.
    struct Valid {
        let criteria: ProspectSearchCriteria
        /// Save the search under this name; nil: a one-off search.
        let name: String?
        let repeatEveryDays: Int?
    }

    /// The criteria, or the field errors (message keys): unknown OKVED or region codes, figures
    /// that are not whole numbers or whose "from" is above their "to", a period outside
    /// `ProspectSearch.repeatDays` or without a name to save it under, and searches broader
    /// than `ProspectSearchPlan.maximumQueries` provider queries.
    func validated(okvedTree: OKVEDTree, regionCatalog: RegionCatalog) -> (Valid?, FieldErrors) {
        var errors = FieldErrors()
        let typedCodes = Self.codes(in: okved)
        if typedCodes.isEmpty {
            errors.add(Self.okvedField, "validation_prospects_okved_required")
        } else if typedCodes.count > Self.maximumCodes {
            errors.add(Self.okvedField, "validation_prospects_okved_too_many")
        }
        let entries = okvedTree.validatedCodes(typedCodes, field: Self.okvedField, into: &errors)
        let chosenRegions = regionCatalog.validatedCodes(regions, field: Self.regionField, into: &errors)

        let revenueFrom = Self.number(revenueMin, field: Self.revenueMinField, into: &errors)
        let revenueTo = Self.number(revenueMax, field: Self.revenueMaxField, into: &errors)
        Self.checkRange(revenueFrom, revenueTo, field: Self.revenueMaxField, into: &errors)
        let headcountFrom = Self.number(headcountMin, field: Self.headcountMinField, into: &errors)
        let headcountTo = Self.number(headcountMax, field: Self.headcountMaxField, into: &errors)
        Self.checkRange(headcountFrom, headcountTo, field: Self.headcountMaxField, into: &errors)
        for (value, field) in [(headcountFrom, Self.headcountMinField), (headcountTo, Self.headcountMaxField)] {
            if let value, value > Int64(Int32.max) { errors.add(field, "validation_prospects_number") }
        }

        let savedName = FormRules.optionalText(name, field: Self.nameField, maxLength: ProspectSearch.maximumNameLength, into: &errors)
        var period: Int?
        if !repeatDays.isEmpty {
            if let days = Int(repeatDays), ProspectSearch.repeatDays.contains(days) {
                period = days
                if savedName.isEmpty { errors.add(Self.nameField, "validation_prospects_schedule_needs_name") }
            } else {
                errors.add(Self.repeatField, "validation_prospects_repeat_days")
            }
        }

        let criteria = ProspectSearchCriteria(
            okvedCodes: entries.map(\.code), subtreeCodes: entries.filter { includesSubtree(of: $0, okvedTree: okvedTree) }.map(\.code),
            regionCodes: chosenRegions.map(\.code),
            revenueMin: revenueFrom, revenueMax: revenueTo, headcountMin: headcountFrom.map { Int($0) }, headcountMax: headcountTo.map { Int($0) },
            activeOnly: activeOnly)
        if errors[Self.okvedField] == nil, errors[Self.regionField] == nil,
           ProspectSearchPlan(criteria: criteria, tree: okvedTree).queries.count > ProspectSearchPlan.maximumQueries {
            errors.add(Self.okvedField, "validation_prospects_too_broad")
        }
        guard errors.isEmpty else { return (nil, errors) }
        return (Valid(criteria: criteria, name: savedName.isEmpty ? nil : savedName, repeatEveryDays: period), errors)
    }

    /// The codes in the field: separated by commas, semicolons or spaces, each once, in order.
    static func codes(in text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace })
            .map(String.init)
            .filter { seen.insert($0).inserted }
    }

    /// A whole non-negative number as people type it (`10 000 000`, with spaces of any kind
    /// between the groups); nil when the field is blank.
    static func number(_ text: String, field: String, into errors: inout FieldErrors) -> Int64? {
        let digits = text.filter { !$0.isWhitespace }
        guard !digits.isEmpty else { return nil }
        guard digits.count <= maximumDigits, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else {
            errors.add(field, "validation_prospects_number")
            return nil
        }
        return value
    }

    private static func checkRange(_ low: Int64?, _ high: Int64?, field: String, into errors: inout FieldErrors) {
        if let low, let high, low > high { errors.add(field, "validation_prospects_range") }
    }
}
