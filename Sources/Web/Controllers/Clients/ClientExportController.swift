import CompanyData
import Domain
import Foundation
import Hummingbird
import Storage

/// Every client the list's filters match as one CSV file (`ClientCSV`), in the list's order,
/// at most ``cap`` rows. Read ``readPageSize`` clients at a time and streamed page by page, so
/// a tenant's 100,000 clients never sit in memory at once. Whoever may read the list may
/// export it; the platform scope has the console and no export.
struct ClientExportController {
    let services: WebServices

    static let path = "/clients/export.csv"
    static let cap = 100_000
    static let readPageSize = 200

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(Self.path), use: export)
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member) = try context.require(client: .view)
        let filters = ClientFilters(query: request.uri.query)
        let asked = filters.listQuery(regions: services.regions, okvedTree: services.okved, pageSize: Self.readPageSize)
        guard asked.1.isEmpty else {
            try await services.flash(context, .error, "flash_clients_filter_invalid")
            return .seeOther(filters.url("/clients", page: 1))
        }
        var query = asked.0
        query.page = 1
        let first = try await services.clients.exportPage(member, query)
        let rowCount = min(first.totalCount, Self.cap)
        await services.audit.record(kind: "clients.exported", identity: identity, context: context, details: [
            "count": String(rowCount), "capped": first.totalCount > Self.cap ? "yes" : "no", "filter": filters.filterQuery,
        ])

        let clients = services.clients
        let locale = context.visitor.locale
        let localizer = services.renderer.localizer
        let regions = services.regions
        let text = { @Sendable (key: String) in localizer.text(key, locale) }
        let firstQuery = query
        let body = ResponseBody { writer in
            var buffer = ByteBuffer(bytes: ClientCSV.byteOrderMark)
            buffer.writeString(ClientCSV.row(Self.headings(text)))
            var next = firstQuery
            var page = first.clients
            var written = 0
            while !page.isEmpty, written < Self.cap {
                for client in page.prefix(Self.cap - written) {
                    buffer.writeString(ClientCSV.row(Self.cells(client, regions: regions, text: text)))
                }
                written += min(page.count, Self.cap - written)
                try await writer.write(buffer)
                buffer.clear()
                guard page.count == next.pageSize, written < Self.cap else { break }
                next.page += 1
                page = try await clients.exportPage(member, next).clients
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(Self.fileName(Date()))\"",
            ],
            body: body)
    }

    /// `clients-2026-11-29.csv`: the day in Moscow, as the pages show dates.
    static func fileName(_ now: Date) -> String {
        let day = CalendarDay(date: now, timeZone: DisplayFormat.timeZone)
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "clients-\(day.year)-\(pad(day.month))-\(pad(day.day)).csv"
    }

    static func headings(_ text: (String) -> String) -> [String] {
        ["clients_col_inn", "clients_col_name", "clients_col_status", "clients_col_region", "clients_col_okved", "clients_col_revenue",
         "clients_col_headcount", "clients_csv_website", "clients_csv_emails", "clients_csv_phones", "clients_csv_decision_makers",
         "clients_col_created"].map(text)
    }

    /// One client's cells: figures as plain digits (a spreadsheet reads them as numbers), the
    /// status in the visitor's language, several values in one cell separated by `, ` (people by `; `).
    static func cells(_ client: Client, regions: RegionCatalog, text: (String) -> String) -> [String] {
        let region = client.record.regionCode?.value
        let people = client.contacts.decisionMakers.map { (person: DecisionMaker) -> String in
            person.position.map { "\(person.fullName) — \($0)" } ?? person.fullName
        }
        return [
            client.inn,
            client.name,
            ClientFormat.status(client.status, text),
            region.map { code in regions.region(code).map { "\(code) — \($0.fullName)" } ?? code } ?? "",
            client.record.mainOKVED?.value.code ?? "",
            client.record.revenue.map { String($0.value.roubles) } ?? "",
            client.record.headcount.map { String($0.value) } ?? "",
            (client.contacts.website ?? client.record.website)?.value ?? "",
            client.contacts.emails.map(\.value).joined(separator: ", "),
            client.contacts.phones.map(\.value).joined(separator: ", "),
            people.joined(separator: "; "),
            ClientFormat.date(client.createdAt),
        ]
    }
}
