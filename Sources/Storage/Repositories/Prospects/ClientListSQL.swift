import Domain
import Foundation
import SQLKit

/// The client list as SQL: the filters, and each sort order as a few *slices*, each read by one
/// range scan of an index that starts with the tenant and ends with the id (M0021).
///
/// A plain `ORDER BY CASE WHEN revenue IS NULL …` would give "unknown last" on both engines but
/// sort every matching row for every page, which at 100,000 clients is the whole budget of the
/// page. Reading the known values and then the unknown ones as two slices keeps every page an
/// index scan, and gives the same order on both engines (SQLite sorts NULLs first, PostgreSQL
/// last) because neither engine is ever asked to order a NULL. The status order is the
/// pipeline's (`ClientStatus`'s case order), one slice per status, for the same reason.
enum ClientListSQL {
    /// One part of an order: the rows matching `conditions` (besides the filters), in `order`.
    /// `count` is how many of them match the filters.
    struct Slice {
        let conditions: [SQLQueryString]
        let order: SQLQueryString
        let count: Int
    }

    static let summaryColumns: SQLQueryString =
        "id, inn, name, status, enrichment, region_code, okved_code, revenue, headcount, created_at"

    static func summary(from row: any SQLRow) throws -> ClientSummary {
        let statusValue = try row.decode(column: "status", as: String.self)
        let enrichmentValue = try row.decode(column: "enrichment", as: String.self)
        guard let status = ClientStatus(rawValue: statusValue) else { throw StorageError.corruptRow("clients.status") }
        guard let enrichment = EnrichmentState(rawValue: enrichmentValue) else { throw StorageError.corruptRow("clients.enrichment") }
        return ClientSummary(
            id: try row.decode(column: "id", as: UUID.self),
            inn: try row.decode(column: "inn", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            status: status, enrichment: enrichment,
            regionCode: try row.decode(column: "region_code", as: String?.self),
            okvedCode: try row.decode(column: "okved_code", as: String?.self),
            revenue: try row.decode(column: "revenue", as: Int64?.self),
            headcount: try row.decode(column: "headcount", as: Int?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    /// Every column a whole ``Client`` is made of: the export's rows.
    static let wholeColumns: SQLQueryString = """
        id, company_id, inn, name, status, enrichment, enrichment_error, origin, record_json, contacts_json, created_at, updated_at, enriched_at
        """

    static func client(from row: any SQLRow) throws -> Client {
        let statusValue = try row.decode(column: "status", as: String.self)
        let enrichmentValue = try row.decode(column: "enrichment", as: String.self)
        let originValue = try row.decode(column: "origin", as: String.self)
        guard let status = ClientStatus(rawValue: statusValue) else { throw StorageError.corruptRow("clients.status") }
        guard let enrichment = EnrichmentState(rawValue: enrichmentValue) else { throw StorageError.corruptRow("clients.enrichment") }
        guard let origin = ClientOrigin(rawValue: originValue) else { throw StorageError.corruptRow("clients.origin") }
        return Client(
            id: try row.decode(column: "id", as: UUID.self),
            companyID: try row.decode(column: "company_id", as: UUID.self),
            inn: try row.decode(column: "inn", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            status: status, enrichment: enrichment,
            enrichmentError: try row.decode(column: "enrichment_error", as: String?.self),
            record: try ProspectJSON.decode(CompanyRecord.self, from: try row.decode(column: "record_json", as: String.self), column: "clients.record_json"),
            contacts: try ProspectJSON.decode(ClientContacts.self, from: try row.decode(column: "contacts_json", as: String.self),
                                              column: "clients.contacts_json"),
            origin: origin,
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            enrichedAt: try row.decode(column: "enriched_at", as: Date?.self))
    }

    /// The WHERE conditions of one tenant's list with these filters.
    static func conditions(company: UUID, _ query: ClientListQuery) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = ["company_id = \(bind: company)"]
        let text = (query.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if ClientSearch.isDigits(text) {
            // The start of an INN. The range lets both engines use the (company_id, inn) index
            // (for digit strings every collation agrees with byte order); LIKE keeps it exact.
            let last = text + String(repeating: "9", count: max(0, 12 - text.count))
            conditions.append("inn >= \(bind: text) AND inn <= \(bind: last) AND inn LIKE \(bind: ClientSearch.escapedForLike(text) + "%") ESCAPE '!'")
        } else {
            for word in text.split(whereSeparator: { $0.isWhitespace }) {
                conditions.append("name_search LIKE \(bind: InboxSearch.containsPattern(String(word))) ESCAPE '!'")
            }
        }
        if !query.statuses.isEmpty {
            let statuses = query.statuses.map(\.rawValue).sorted().map { $0 as any Encodable & Sendable }
            conditions.append("status IN (\(binds: statuses))")
        }
        if let enrichment = query.enrichment {
            conditions.append("enrichment = \(bind: enrichment.rawValue)")
        }
        if let region = query.regionCode?.trimmingCharacters(in: .whitespacesAndNewlines), !region.isEmpty {
            conditions.append("region_code = \(bind: region)")
        }
        if let code = okvedCode(query.okvedPrefix) {
            conditions.append("(okved_code = \(bind: code) OR okved_code LIKE \(bind: ClientSearch.okvedSubtreePattern(code)) ESCAPE '!')")
        }
        // Kept with the contacts (M0035): the filter never opens `contacts_json`.
        if query.hasEmail { conditions.append("has_email = \(bind: true)") }
        if query.hasPhone { conditions.append("has_phone = \(bind: true)") }
        if query.hasDecisionMaker { conditions.append("has_decision_maker = \(bind: true)") }
        if let run = query.originRunID {
            conditions.append("origin_run_id = \(bind: run)")
        }
        return conditions
    }

    /// The slices of the query's order with their counts; the counts come from one aggregate
    /// query, or from `ClientListCounts` when the same filters were counted a moment ago.
    static func slices(for query: ClientListQuery, conditions: [SQLQueryString], on sql: any SQLDatabase, company: UUID,
                       now: Date) async throws -> [Slice] {
        // Everything but the page: paging through a list asks the same counts.
        let key = [query.text ?? "", query.statuses.map(\.rawValue).sorted().joined(separator: ","), query.enrichment?.rawValue ?? "",
                   query.regionCode ?? "", query.okvedPrefix ?? "",
                   [query.hasEmail, query.hasPhone, query.hasDecisionMaker].map { $0 ? "1" : "0" }.joined(), query.originRunID?.uuidString ?? "",
                   query.sort.rawValue, query.descending ? "desc" : "asc"]
            .joined(separator: "|")
        let counts = try await ClientListCounts.shared.values(company: company, key: key, now: now) {
            try await sliceCounts(for: query, conditions: conditions, on: sql)
        }
        return zip(sliceShapes(for: query), counts).map { Slice(conditions: $0.conditions, order: $0.order, count: $1) }
    }

    /// The parts of the query's order, each read by one range scan (see the type's comment).
    private static func sliceShapes(for query: ClientListQuery) -> [(conditions: [SQLQueryString], order: SQLQueryString)] {
        let direction: SQLQueryString = query.descending ? "DESC" : "ASC"
        switch query.sort {
        case .createdAt, .name:
            let column: SQLQueryString = query.sort == .name ? "name_search" : "created_at"
            return [([], "\(column) \(direction), id \(direction)")]
        case .revenue, .headcount:
            let column: SQLQueryString = query.sort == .revenue ? "revenue" : "headcount"
            return [(["\(column) IS NOT NULL"], "\(column) \(direction), id \(direction)"), (["\(column) IS NULL"], "id \(direction)")]
        case .status:
            return pipelineOrder(query).map { status in (["status = \(bind: status.rawValue)"], "id \(direction)") }
        }
    }

    /// How many rows match the filters in each of `sliceShapes(for:)`, in the same order, from
    /// one aggregate query.
    private static func sliceCounts(for query: ClientListQuery, conditions: [SQLQueryString], on sql: any SQLDatabase) async throws -> [Int] {
        switch query.sort {
        case .createdAt, .name:
            var statement: SQLQueryString = "SELECT COUNT(*) AS n FROM clients"
            appendWhere(conditions, to: &statement)
            return [try await sql.raw(statement).first()?.decode(column: "n", as: Int.self) ?? 0]
        case .revenue, .headcount:
            let column: SQLQueryString = query.sort == .revenue ? "revenue" : "headcount"
            var statement: SQLQueryString = "SELECT COUNT(*) AS n, COUNT(\(column)) AS known FROM clients"
            appendWhere(conditions, to: &statement)
            let row = try await sql.raw(statement).first()
            let total = try row?.decode(column: "n", as: Int.self) ?? 0
            let known = try row?.decode(column: "known", as: Int.self) ?? 0
            return [known, total - known]
        case .status:
            var statement: SQLQueryString = "SELECT status, COUNT(*) AS n FROM clients"
            appendWhere(conditions, to: &statement)
            statement += " GROUP BY status"
            var counts: [String: Int] = [:]
            for row in try await sql.raw(statement).all() {
                counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return pipelineOrder(query).map { counts[$0.rawValue] ?? 0 }
        }
    }

    /// The statuses in pipeline order (`ClientStatus`'s case order), reversed for a descending list.
    private static func pipelineOrder(_ query: ClientListQuery) -> [ClientStatus] {
        query.descending ? Array(ClientStatus.allCases.reversed()) : ClientStatus.allCases
    }

    static func appendWhere(_ conditions: [SQLQueryString], to statement: inout SQLQueryString) {
        guard !conditions.isEmpty else { return }
        statement += " WHERE "
        statement += conditions.joined(separator: " AND ")
    }

    /// The OKVED filter as typed: trimmed, without trailing dots; nil when empty.
    private static func okvedCode(_ typed: String?) -> String? {
        var code = (typed ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        while code.hasSuffix(".") { code.removeLast() }
        return code.isEmpty ? nil : code
    }
}
