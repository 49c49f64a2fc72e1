import CompanyData
import Domain
import Foundation

/// The client list's filters, order and page as they travel in the URL (a GET form and plain
/// links, so a filtered, sorted page can be bookmarked and shared), and their translation into
/// the repository's ``ClientListQuery``. Region and OKVED codes are checked against the
/// reference data: an unknown one is a field error rather than a silently empty list.
struct ClientFilters {
    var q = ""
    /// Raw values of ``ClientStatus``, each once, in the pipeline's order.
    var statuses: [String] = []
    /// A raw ``EnrichmentState``, or empty for any.
    var enrichment = ""
    var region = ""
    var okved = ""
    /// "Has e-mail", "has phone", "has decision maker": ticked or not.
    var hasEmail = false
    var hasPhone = false
    var hasDecisionMaker = false
    /// A discovery run's id: the clients imported from it (where an import returns to).
    var run = ""
    var sort = ClientListQuery.Sort.createdAt
    var descending = true
    var page = 1

    static let hasEmailField = "has_email"
    static let hasPhoneField = "has_phone"
    static let hasDecisionMakerField = "has_decision_maker"

    static let maximumTextLength = 200
    /// Far beyond any real list (100,000 clients are 2,000 pages), and small enough that the
    /// offset it makes cannot overflow.
    static let maximumPage = 1_000_000

    init() {}

    /// Parsed like a form body, so `+` in a search reads as a space. Values that name no status,
    /// state or order (a tampered link) are dropped; codes are kept as typed, for the field errors.
    init(query: String?) {
        let values = FormData(urlEncoded: query ?? "")
        q = String(values["q"].trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.maximumTextLength))
        let picked = Set(values.all("status"))
        statuses = ClientStatus.allCases.map(\.rawValue).filter { picked.contains($0) }
        enrichment = EnrichmentState(rawValue: values["enrichment"]) == nil ? "" : values["enrichment"]
        region = values["region"].trimmingCharacters(in: .whitespacesAndNewlines)
        okved = values["okved"].trimmingCharacters(in: .whitespacesAndNewlines)
        hasEmail = values.has(Self.hasEmailField)
        hasPhone = values.has(Self.hasPhoneField)
        hasDecisionMaker = values.has(Self.hasDecisionMakerField)
        // Kept only when it is an id: anything else would list nothing for no visible reason.
        run = UUID(uuidString: values["run"]).map { $0.uuidString } ?? ""
        if let chosen = ClientListQuery.Sort(rawValue: values["sort"]) {
            sort = chosen
            descending = values["dir"].isEmpty ? Self.startsDescending(chosen) : values["dir"] == "desc"
        }
        page = min(max(1, Int(values["page"]) ?? 1), Self.maximumPage)
    }

    /// Names and statuses read A to Z and along the pipeline; figures and dates biggest and
    /// newest first.
    static func startsDescending(_ sort: ClientListQuery.Sort) -> Bool {
        switch sort {
        case .name, .status: false
        case .createdAt, .revenue, .headcount: true
        }
    }

    var isFiltered: Bool {
        !q.isEmpty || !statuses.isEmpty || !enrichment.isEmpty || !region.isEmpty || !okved.isEmpty || hasEmail || hasPhone || hasDecisionMaker
            || !run.isEmpty
    }

    /// The repository's query for this page, and a field error for each code the reference data
    /// does not know (that filter is then left out, so the page still lists something).
    func listQuery(regions: RegionCatalog, okvedTree: OKVEDTree, pageSize: Int) -> (ClientListQuery, FieldErrors) {
        var errors = FieldErrors()
        let regionCode = regions.validatedCodes([region], field: "region", into: &errors).first?.code
        var okvedCode: String?
        if let entry = okvedTree.validatedCodes([okved], field: "okved", into: &errors).first {
            // A section letter is not a prefix of any code a company registers.
            if entry.isSection { errors.add("okved", "validation_okved_section") } else { okvedCode = entry.code }
        }
        let query = ClientListQuery(
            text: q.isEmpty ? nil : q, statuses: Set(statuses.compactMap(ClientStatus.init(rawValue:))),
            enrichment: EnrichmentState(rawValue: enrichment), regionCode: regionCode, okvedPrefix: okvedCode,
            hasEmail: hasEmail, hasPhone: hasPhone, hasDecisionMaker: hasDecisionMaker, originRunID: UUID(uuidString: run),
            sort: sort, descending: descending, page: page, pageSize: pageSize)
        return (query, errors)
    }

    /// The filters alone (no order, no page) as a query string: what "enrich all matching"
    /// posts back, and where it returns to.
    var filterQuery: String {
        Self.join(filterPairs)
    }

    /// The order as query pairs; none for the default (newest first).
    var orderPairs: [(String, String)] {
        Self.order(sort, descending)
    }

    private static func order(_ sort: ClientListQuery.Sort, _ descending: Bool) -> [(String, String)] {
        sort == .createdAt && descending ? [] : [("sort", sort.rawValue), ("dir", descending ? "desc" : "asc")]
    }

    /// `base` with these filters, and the order and page given (these ones by default).
    func url(_ base: String, page: Int? = nil, sort: ClientListQuery.Sort? = nil, descending: Bool? = nil) -> String {
        var pairs = filterPairs + Self.order(sort ?? self.sort, descending ?? self.descending)
        let number = page ?? self.page
        if number > 1 { pairs.append(("page", String(number))) }
        let query = Self.join(pairs)
        return query.isEmpty ? base : base + "?" + query
    }

    /// The link a column's heading points to: this column the other way round when the list is
    /// sorted by it, otherwise this column in its natural direction; always from page one.
    func sortURL(_ base: String, _ column: ClientListQuery.Sort) -> String {
        let direction = column == sort ? !descending : Self.startsDescending(column)
        return url(base, page: 1, sort: column, descending: direction)
    }

    private var filterPairs: [(String, String)] {
        var pairs = [("q", q)]
        pairs += statuses.map { ("status", $0) }
        pairs += [("enrichment", enrichment), ("region", region), ("okved", okved), ("run", run)]
        pairs += [(Self.hasEmailField, hasEmail), (Self.hasPhoneField, hasPhone), (Self.hasDecisionMakerField, hasDecisionMaker)]
            .map { ($0.0, $0.1 ? "1" : "") }
        return pairs.filter { !$0.1.isEmpty }
    }

    private static func join(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(InboxFilters.encode($0.1))" }.joined(separator: "&")
    }
}
