import CompanyData
import Domain
import Foundation
import Hummingbird
import Storage

/// The client list as both its readers see it: the tenant's own page (`/clients`) and the
/// SUPER_ADMIN console's read-only copy of it (`/admin/tenants/{id}/clients`). One page of at
/// most ``pageSize`` rows is read, with the count of every match, whatever the size of the tenant.
struct ClientListing {
    let services: WebServices

    static let pageSize = 50

    /// Where the page lives and what its reader may do there.
    struct Place {
        /// `/clients`, or the console's path for the tenant; a card is this path and the id.
        let basePath: String
        /// The checkboxes and the "Enrich" buttons.
        let canWork: Bool
        /// The console: no live progress (its JSON is the tenant's own), a read-only banner.
        let isConsole: Bool
    }

    struct Row: TemplateFields {
        let id: String
        let url: String
        let name: String
        let inn: String
        let regionCode: String?
        let regionName: String?
        let okvedCode: String?
        let okvedName: String?
        let revenue: String?
        let headcount: String?
        let status: String
        let statusLabel: String
        let enrichment: String
        let enrichmentLabel: String
        let createdAt: String

        var templateFields: [String: TemplateValue] {
            var fields: [String: TemplateValue] = [
                "id": .text(id), "url": .text(url), "name": .text(name), "inn": .text(inn), "status": .text(status),
                "statusLabel": .text(statusLabel), "enrichment": .text(enrichment), "enrichmentLabel": .text(enrichmentLabel),
                "createdAt": .text(createdAt),
            ]
            fields["regionCode"] = .text(ifPresent: regionCode)
            fields["regionName"] = .text(ifPresent: regionName)
            fields["okvedCode"] = .text(ifPresent: okvedCode)
            fields["okvedName"] = .text(ifPresent: okvedName)
            fields["revenue"] = .text(ifPresent: revenue)
            fields["headcount"] = .text(ifPresent: headcount)
            return fields
        }
    }

    /// A sortable column's heading.
    struct SortLink {
        let url: String
        /// `↑`, `↓`, or nothing when the list is not sorted by this column.
        let arrow: String
        /// The heading's `aria-sort`.
        let ariaSort: String
    }

    struct Pagination {
        let isShown: Bool
        let page: String
        let pageCount: String
        let hasPrevious: Bool
        let previousURL: String
        let hasNext: Bool
        let nextURL: String
    }

    /// A hidden field of the filter form: a new filter keeps the order (and starts from page one).
    struct HiddenField {
        let name: String
        let value: String
    }

    /// One figure of the enrichment summary, kept current by `app.js` while any wait.
    struct Figure {
        let state: String
        let label: String
        let count: String
    }

    struct ListView: TemplateFields {
        let rows: [Row]
        let hasRows: Bool
        let total: String
        let filters: ClientFilters
        let isFiltered: Bool
        let errors: [String: String]
        let hasErrors: Bool
        let statusOptions: [InboxViews.Option]
        let enrichmentOptions: [InboxViews.Option]
        let regionOptions: [InboxViews.Option]
        let orderFields: [HiddenField]
        let sortName: SortLink
        let sortRevenue: SortLink
        let sortHeadcount: SortLink
        let sortStatus: SortLink
        let sortCreated: SortLink
        let pagination: Pagination
        let figures: [Figure]
        let pendingCount: Int
        let isPending: Bool
        /// What `app.js` polls: the tenant's figures, and the batch's when the page follows one.
        let progressURL: String
        /// The page follows a bulk request (`?batch=`, where "enrich" returns to): its own figures.
        let hasBatch: Bool
        let batchFigures: [Figure]
        let batchTotal: String
        /// None of the batch's clients waits for a live job any more.
        let batchDone: Bool
        let batchHasFailed: Bool
        let basePath: String
        /// The filters as a query string, posted back by "enrich all matching".
        let filterQuery: String
        /// The CSV of every client these filters match, in this order.
        let exportURL: String
        let canWork: Bool
        let isConsole: Bool
        /// "Up to 10 000": the cap of "enrich all matching", in the visitor's digits.
        let enrichCap: String
        /// Owners and admins see the way to the month's quota.
        let canViewUsage: Bool
        /// The list shows the clients one discovery run imported (`?run=`): a note with the way
        /// back to the run, and "enrich these" for exactly them.
        let fromRun: Bool
        let runURL: String?
        /// The console's tenant.
        let tenantName: String?
        let tenantURL: String?

        /// By hand: reflecting this view and casting what it found was a fifth of a list view.
        var templateFields: [String: TemplateValue] {
            var fields: [String: TemplateValue] = [
                "rows": .list(rows), "hasRows": .flag(hasRows), "total": .text(total), "isFiltered": .flag(isFiltered),
                "errors": .object(errors.mapValues { .text($0) }), "hasErrors": .flag(hasErrors),
                "statusOptions": .list(statusOptions), "enrichmentOptions": .list(enrichmentOptions), "regionOptions": .list(regionOptions),
                "pendingCount": .integer(pendingCount), "isPending": .flag(isPending), "basePath": .text(basePath),
                "progressURL": .text(progressURL), "hasBatch": .flag(hasBatch), "batchTotal": .text(batchTotal),
                "batchDone": .flag(batchDone), "batchHasFailed": .flag(batchHasFailed),
                "filterQuery": .text(filterQuery), "exportURL": .text(exportURL), "canWork": .flag(canWork), "isConsole": .flag(isConsole), "enrichCap": .text(enrichCap),
                "canViewUsage": .flag(canViewUsage), "fromRun": .flag(fromRun),
            ]
            // A handful of small values each: reflection is cheap enough for them.
            let reflected: [String: Any] = [
                "filters": filters, "orderFields": orderFields, "sortName": sortName, "sortRevenue": sortRevenue,
                "sortHeadcount": sortHeadcount, "sortStatus": sortStatus, "sortCreated": sortCreated, "pagination": pagination,
                "figures": figures, "batchFigures": batchFigures,
            ]
            for (name, value) in reflected { fields[name] = TemplateValue.from(value) }
            fields["runURL"] = .text(ifPresent: runURL)
            fields["tenantName"] = .text(ifPresent: tenantName)
            fields["tenantURL"] = .text(ifPresent: tenantURL)
            return fields
        }
    }

    /// The page's view, and whether a filter was refused (the page is then answered 422).
    func view(_ request: Request, _ context: AppRequestContext, scope: TenantScope, companyID: UUID, place: Place,
              tenant: Company? = nil) async throws -> (ListView, hasErrors: Bool) {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let filters = ClientFilters(query: request.uri.query)
        let asked = filters.listQuery(regions: services.regions, okvedTree: services.okved, pageSize: Self.pageSize)
        var query = asked.0
        let errors = asked.1
        let listedCompany: UUID? = scope.companyID == nil ? companyID : nil
        var page = try await services.clients.list(scope, query, companyID: listedCompany)
        if page.clients.isEmpty, page.totalCount > 0, query.page > page.pageCount {
            // A page past the end (the list shrank since the link was made): the last one.
            query.page = page.pageCount
            page = try await services.clients.list(scope, query, companyID: listedCompany)
        }
        let counts = try await services.clients.enrichmentCounts(companyID: companyID, ids: nil)

        let rows = page.clients.map { Self.row($0, place: place, regions: services.regions, okvedTree: services.okved, locale: locale, text: text) }
        let statusOptions = ClientStatus.allCases.map { (status: ClientStatus) -> InboxViews.Option in
            InboxViews.Option(value: status.rawValue, label: ClientFormat.status(status, text), selected: filters.statuses.contains(status.rawValue))
        }
        let enrichmentOptions = EnrichmentState.allCases.map { (state: EnrichmentState) -> InboxViews.Option in
            InboxViews.Option(value: state.rawValue, label: ClientFormat.enrichment(state, text), selected: filters.enrichment == state.rawValue)
        }
        let chosenRegion = services.regions.region(filters.region)?.code
        let regionOptions = services.regions.all.map { (region: Region) -> InboxViews.Option in
            InboxViews.Option(value: region.code, label: "\(region.code) — \(region.fullName)", selected: region.code == chosenRegion)
        }
        let sortLink = { (column: ClientListQuery.Sort) -> SortLink in
            let current = filters.sort == column
            return SortLink(url: filters.sortURL(place.basePath, column),
                            arrow: current ? (filters.descending ? "↓" : "↑") : "",
                            ariaSort: current ? (filters.descending ? "descending" : "ascending") : "none")
        }
        var shown = filters
        shown.page = page.page
        let pagination = Pagination(
            isShown: page.pageCount > 1, page: ClientFormat.grouped(page.page, locale), pageCount: ClientFormat.grouped(page.pageCount, locale),
            hasPrevious: page.hasPrevious, previousURL: shown.url(place.basePath, page: page.page - 1),
            hasNext: page.hasNext, nextURL: shown.url(place.basePath, page: page.page + 1))
        let figures = EnrichmentState.allCases.map { (state: EnrichmentState) -> Figure in
            Figure(state: state.rawValue, label: ClientFormat.enrichment(state, text), count: String(counts[state] ?? 0))
        }
        let pending = counts[.pending] ?? 0
        // Pending clients with no live job wait for nothing (their job died): no "running" banner.
        var running = false
        if pending > 0 { running = try await ClientEnrichmentController.enrichmentRunning(services.jobs, companyID: companyID) }
        // The bulk request "enrich" returned here with: its clients' figures, and polling while
        // they (rather than the whole tenant's) wait. The console has no live progress at all.
        var batchCounts: [EnrichmentState: Int]?
        var progressURL = "/clients/enrichment-progress.json"
        if !place.isConsole, let batchID = ClientEnrichmentController.batchID(request) {
            let counts = try await services.clients.enrichmentCounts(companyID: companyID, batchID: batchID)
            if counts.values.reduce(0, +) > 0 {
                batchCounts = counts
                progressURL += "?batch=" + batchID.uuidString
            }
        }
        let waiting = batchCounts.map { $0[.pending] ?? 0 } ?? pending
        let batchStates: [EnrichmentState] = [.succeeded, .empty, .failed, .pending]
        let batchFigures = batchStates.map { (state: EnrichmentState) -> Figure in
            Figure(state: state.rawValue, label: ClientFormat.enrichment(state, text), count: String(batchCounts?[state] ?? 0))
        }
        let messages = services.renderer.localizer.messages(errors, locale)
        let role = scope.member?.role
        let view = ListView(
            rows: rows, hasRows: !rows.isEmpty, total: ClientFormat.grouped(page.totalCount, locale),
            filters: filters, isFiltered: filters.isFiltered, errors: messages, hasErrors: !messages.isEmpty,
            statusOptions: statusOptions, enrichmentOptions: enrichmentOptions, regionOptions: regionOptions,
            orderFields: filters.orderPairs.map { HiddenField(name: $0.0, value: $0.1) },
            sortName: sortLink(.name), sortRevenue: sortLink(.revenue), sortHeadcount: sortLink(.headcount),
            sortStatus: sortLink(.status), sortCreated: sortLink(.createdAt),
            pagination: pagination, figures: figures, pendingCount: running ? waiting : 0, isPending: running && waiting > 0,
            progressURL: progressURL, hasBatch: batchCounts != nil, batchFigures: batchFigures,
            batchTotal: ClientFormat.grouped(batchCounts?.values.reduce(0, +) ?? 0, locale),
            batchDone: !running || waiting == 0, batchHasFailed: (batchCounts?[.failed] ?? 0) > 0,
            basePath: place.basePath, filterQuery: filters.filterQuery,
            exportURL: filters.url(ClientExportController.path, page: 1), canWork: place.canWork, isConsole: place.isConsole,
            enrichCap: ClientFormat.grouped(ClientEnrichmentController.allMatchingCap, locale),
            canViewUsage: role.map { ClientAccess.allows($0, .viewUsage) } ?? false,
            fromRun: !filters.run.isEmpty, runURL: filters.run.isEmpty || place.isConsole ? nil : "/prospects/runs/\(filters.run)",
            tenantName: tenant?.name, tenantURL: tenant.map { "/admin/tenants/\($0.id.uuidString)" })
        return (view, !errors.isEmpty)
    }

    static func row(_ client: ClientSummary, place: Place, regions: RegionCatalog, okvedTree: OKVEDTree, locale: AppLocale,
                    text: (String) -> String) -> Row {
        Row(
            id: client.id.uuidString, url: "\(place.basePath)/\(client.id.uuidString)", name: client.name, inn: client.inn,
            regionCode: client.regionCode, regionName: client.regionCode.flatMap { regions.region($0)?.fullName },
            okvedCode: client.okvedCode, okvedName: client.okvedCode.flatMap { okvedTree.entry($0)?.name },
            revenue: client.revenue.map { ClientFormat.roubles($0, locale) },
            headcount: client.headcount.map { ClientFormat.grouped($0, locale) },
            status: client.status.rawValue, statusLabel: ClientFormat.status(client.status, text),
            enrichment: client.enrichment.rawValue, enrichmentLabel: ClientFormat.enrichment(client.enrichment, text),
            createdAt: ClientFormat.date(client.createdAt))
    }
}
