import Domain
import Foundation
import Hummingbird
import Storage

/// The audit trail: a tenant's admins read their company's; the platform reads everyone's.
struct AuditController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/audit", use: list)
    }

    struct Filters {
        var kind = ""
        var actor = ""
        var from = ""
        var to = ""
        var q = ""
    }

    struct EventRow {
        let time: String
        let actor: String
        let kind: String
        let method: String
        let path: String
        let status: String
        let details: String
        let tenant: String
    }

    struct Pagination {
        let page: Int
        let hasPrev: Bool
        let prevURL: String
        let hasNext: Bool
        let nextURL: String
    }

    struct AuditView {
        let filters: Filters
        let events: [EventRow]
        let isEmpty: Bool
        let showTenant: Bool
        let pagination: Pagination
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.viewAuditTrail)
        let query = request.uri.queryParameters
        let filters = Filters(kind: String(query["kind"] ?? ""), actor: String(query["actor"] ?? ""), from: String(query["from"] ?? ""),
                              to: String(query["to"] ?? ""), q: String(query["q"] ?? ""))
        let page = Int(query["page"] ?? "1") ?? 1
        let filter = AuditFilter(
            kind: filters.kind, actor: filters.actor, pathContains: filters.q,
            from: DisplayFormat.parseDay(filters.from),
            to: DisplayFormat.parseDay(filters.to).map { $0.addingTimeInterval(24 * 3600) })
        let result = try await services.auditTrail.list(identity.scope, filter: filter, page: page)
        let isPlatform = identity.scope.companyID == nil
        var tenantNames: [UUID: String] = [:]
        if isPlatform {
            for summary in try await services.companies.listAllForPlatform(identity.scope) { tenantNames[summary.company.id] = summary.company.name }
        }
        let rows = result.events.map { event in
            EventRow(time: DisplayFormat.dateTimeSeconds(event.time), actor: event.actor ?? "—", kind: event.kind,
                     method: event.method ?? "", path: event.path ?? "", status: event.status.map(String.init) ?? "",
                     details: event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                     tenant: event.companyID.flatMap { tenantNames[$0] } ?? "—")
        }
        func url(_ page: Int) -> String {
            var components = URLComponents()
            components.path = "/audit"
            components.queryItems = [("kind", filters.kind), ("actor", filters.actor), ("from", filters.from), ("to", filters.to), ("q", filters.q)]
                .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) } + [URLQueryItem(name: "page", value: String(page))]
            return components.string ?? "/audit"
        }
        let view = AuditView(
            filters: filters, events: rows, isEmpty: rows.isEmpty, showTenant: isPlatform,
            pagination: Pagination(page: result.page, hasPrev: result.page > 1, prevURL: url(result.page - 1), hasNext: result.hasNext, nextURL: url(result.page + 1)))
        return services.renderer.page("audit", titleKey: "title_audit", content: view, request: request, context: context)
    }
}
