import CompanyData
import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// One discovery run: its criteria, its live progress (a small JSON document `app.js` polls
/// while the run is queued or running), the companies it found with an "already a client" mark
/// worked out as the page is read, apart from them those a range could not check ("not
/// checked", with their own pages; "import all" leaves them out, a tick imports them), importing the ticked ones or all of them as clients, and
/// saving a one-off run's criteria as a saved search. Another tenant's run is a 404 before any
/// role is looked at; viewers look, managers and up import and save.
struct ProspectRunsController {
    let services: WebServices

    static let pageSize = 50
    /// Ticked rows read from one import: a page shows fifty.
    static let maximumSelected = 1_000
    /// Records handed to `ClientRepository.importRecords` at once (its transaction holds SQLite's
    /// only connection while it runs).
    static let importChunkSize = 1_000

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/prospects/runs/{id}", use: show)
        group.get("/prospects/runs/{id}/progress.json", use: progress)
        group.post("/prospects/runs/{id}/import", use: importResults)
        group.post("/prospects/runs/{id}/save", use: save)
    }

    struct ResultRow {
        let id: String
        let name: String
        let inn: String
        let regionCode: String?
        let regionName: String?
        let okvedCode: String?
        let okvedName: String?
        let revenue: String?
        let headcount: String?
        let companyStatus: String?
        let isInactive: Bool
        let isClient: Bool
        let clientURL: String?
    }

    struct RunView {
        let id: String
        let status: String
        let statusLabel: String
        let isActive: Bool
        let isFailed: Bool
        let error: String?
        let isScheduled: Bool
        let queriesDone: String
        let queriesTotal: String
        let found: String
        let imported: String
        /// A range or an exact code needs figures looked up: the progress shows how many were.
        let hasLookups: Bool
        let lookupsDone: String
        let lookupsWanted: String
        let createdAt: String
        let finishedAt: String?
        let reachedLimit: Bool
        let maximumResults: String
        let searchName: String?
        let summary: ProspectCriteriaSummary
        let rows: [ResultRow]
        let hasRows: Bool
        let total: String
        let clientCount: String
        let newCount: String
        let hasNew: Bool
        let pagination: ClientListing.Pagination
        /// Results whose figure stayed unknown (the run's lookups ran out, or none was published).
        let notCheckedRows: [ResultRow]
        let hasNotChecked: Bool
        /// Either group has rows: the import form is shown.
        let hasAnyRows: Bool
        let notCheckedCount: String
        let notCheckedPagination: ClientListing.Pagination
        let canWork: Bool
        let progressURL: String
        let importURL: String
        /// A run of no saved search offers to save its criteria under a name.
        let canSave: Bool
        let saveURL: String
        let repeatMin: String
        let repeatMax: String
    }

    // MARK: Routes

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member, run) = try await ownRun(context, .view)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let requested = min(max(1, Int(request.uri.queryParameters["page"] ?? "") ?? 1), ClientFilters.maximumPage)
        var results = try await services.prospectSearches.results(.tenant(member), runID: run.id, page: requested, pageSize: Self.pageSize)
        if results.results.isEmpty, results.totalCount > 0, requested > results.pageCount {
            results = try await services.prospectSearches.results(.tenant(member), runID: run.id, page: results.pageCount, pageSize: Self.pageSize)
        }
        var notChecked: ProspectResultPage?
        if results.notCheckedCount > 0 {
            let asked = min(max(1, Int(request.uri.queryParameters["unchecked_page"] ?? "") ?? 1), ClientFilters.maximumPage)
            var group = try await services.prospectSearches.results(
                .tenant(member), runID: run.id, page: asked, pageSize: Self.pageSize, notChecked: true)
            if group.results.isEmpty, group.totalCount > 0, asked > group.pageCount {
                group = try await services.prospectSearches.results(
                    .tenant(member), runID: run.id, page: group.pageCount, pageSize: Self.pageSize, notChecked: true)
            }
            notChecked = group
        }
        let searchName: String?
        if let searchID = run.searchID {
            searchName = try? await services.prospectSearches.findSearch(searchID, scope: .tenant(member)).name
        } else {
            searchName = nil
        }
        let base = "/prospects/runs/\(run.id.uuidString)"
        let row = { (result: ProspectResult) -> ResultRow in
            ResultRow(
                id: result.id.uuidString, name: result.name, inn: result.inn, regionCode: result.regionCode,
                regionName: result.regionCode.flatMap { services.regions.region($0)?.fullName },
                okvedCode: result.okvedCode, okvedName: result.okvedCode.flatMap { services.okved.entry($0)?.name },
                revenue: result.revenue.map { ClientFormat.roubles($0, locale) },
                headcount: result.headcount.map { ClientFormat.grouped($0, locale) },
                companyStatus: result.companyStatus.map { text("company_status_\($0.rawValue)") },
                isInactive: result.companyStatus.map { $0 != .active } ?? false,
                isClient: result.isClient, clientURL: result.clientID.map { "/clients/\($0.uuidString)" })
        }
        let rows = results.results.map(row)
        let notCheckedRows = notChecked?.results.map(row) ?? []
        let notCheckedPagination = ClientListing.Pagination(
            isShown: (notChecked?.pageCount ?? 1) > 1, page: ClientFormat.grouped(notChecked?.page ?? 1, locale),
            pageCount: ClientFormat.grouped(notChecked?.pageCount ?? 1, locale), hasPrevious: notChecked?.hasPrevious ?? false,
            previousURL: "\(base)?unchecked_page=\(max(1, (notChecked?.page ?? 1) - 1))#run-unchecked-title",
            hasNext: notChecked?.hasNext ?? false, nextURL: "\(base)?unchecked_page=\((notChecked?.page ?? 1) + 1)#run-unchecked-title")
        let pagination = ClientListing.Pagination(
            isShown: results.pageCount > 1, page: ClientFormat.grouped(results.page, locale),
            pageCount: ClientFormat.grouped(results.pageCount, locale), hasPrevious: results.hasPrevious,
            previousURL: results.page - 1 > 1 ? "\(base)?page=\(results.page - 1)" : base,
            hasNext: results.hasNext, nextURL: "\(base)?page=\(results.page + 1)")
        let newCount = results.totalCount - results.clientCount
        let total = ClientFormat.grouped(results.totalCount, locale)
        let view = RunView(
            id: run.id.uuidString, status: run.status.rawValue, statusLabel: Self.statusLabel(run.status, text), isActive: !run.status.isOver,
            isFailed: run.status == .failed, error: ProblemFormat.text(run.error, localizer: services.renderer.localizer, locale: locale),
            isScheduled: run.isScheduled,
            queriesDone: ClientFormat.grouped(run.queriesDone, locale), queriesTotal: ClientFormat.grouped(run.queriesTotal, locale),
            found: ClientFormat.grouped(run.found, locale), imported: ClientFormat.grouped(run.imported, locale),
            hasLookups: Self.needsLookups(run.criteria), lookupsDone: ClientFormat.grouped(run.lookupsDone, locale),
            lookupsWanted: ClientFormat.grouped(run.lookupsWanted, locale),
            createdAt: DisplayFormat.dateTime(run.createdAt, locale), finishedAt: run.finishedAt.map { DisplayFormat.dateTime($0, locale) },
            reachedLimit: run.reachedResultLimit, maximumResults: ClientFormat.grouped(ProspectSearchRun.maximumResults, locale),
            searchName: searchName,
            summary: ProspectCriteriaSummary(run.criteria, okvedTree: services.okved, regions: services.regions, locale: locale, text: text),
            rows: rows, hasRows: !rows.isEmpty, total: total,
            clientCount: ClientFormat.grouped(results.clientCount, locale), newCount: ClientFormat.grouped(newCount, locale),
            hasNew: newCount > 0, pagination: pagination, notCheckedRows: notCheckedRows, hasNotChecked: !notCheckedRows.isEmpty,
            hasAnyRows: !rows.isEmpty || !notCheckedRows.isEmpty,
            notCheckedCount: ClientFormat.grouped(results.notCheckedCount, locale), notCheckedPagination: notCheckedPagination,
            canWork: ClientAccess.allows(member.role, .work),
            progressURL: "\(base)/progress.json", importURL: "\(base)/import",
            canSave: ClientAccess.allows(member.role, .work) && searchName == nil, saveURL: "\(base)/save",
            repeatMin: String(ProspectSearch.repeatDays.lowerBound), repeatMax: String(ProspectSearch.repeatDays.upperBound))
        return services.renderer.page("prospect-run", titleKey: "title_prospect_run", content: view, request: request, context: context)
    }

    struct Progress: Encodable {
        let status: String
        let statusLabel: String
        let isOver: Bool
        let queriesDone: Int
        let queriesTotal: Int
        let found: Int
        let imported: Int
        /// Companies looked up for a figure a range needs, of those that needed one.
        let lookupsDone: Int
        let lookupsWanted: Int
        let error: String?
    }

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, run) = try await ownRun(context, .view)
        let text = { (key: String) in services.renderer.localizer.text(key, context.visitor.locale) }
        let progress = Progress(
            status: run.status.rawValue, statusLabel: Self.statusLabel(run.status, text), isOver: run.status.isOver,
            queriesDone: run.queriesDone, queriesTotal: run.queriesTotal, found: run.found, imported: run.imported,
            lookupsDone: run.lookupsDone, lookupsWanted: run.lookupsWanted,
            error: ProblemFormat.text(run.error, localizer: services.renderer.localizer, locale: context.visitor.locale))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(progress), as: UTF8.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `all=1` imports every result of the run but those not checked, otherwise the ticked `ids`. Companies the tenant
    /// has as clients already are left as they are; the flash on the client list says how many
    /// became clients and how many were clients before. The list opens on the clients imported
    /// from this run (`?run=`), with "enrich these" for exactly them; when none became a client
    /// it opens whole, since an empty list would say nothing.
    @Sendable func importResults(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, run) = try await ownRun(context, .work)
        let everything = context.form["all"] == "1"
        let picked = Array(context.form.all("ids").compactMap(UUID.init(uuidString:)).prefix(Self.maximumSelected))
        guard everything || !picked.isEmpty else {
            try await services.flash(context, .error, "flash_prospects_import_nothing")
            return .seeOther("/prospects/runs/\(run.id.uuidString)")
        }
        let records = try await services.prospectSearches.recordsForImport(member, runID: run.id, resultIDs: everything ? nil : picked)
        guard !records.isEmpty else {
            try await services.flash(context, .error, "flash_prospects_import_nothing")
            return .seeOther("/prospects/runs/\(run.id.uuidString)")
        }
        var created = 0
        var start = 0
        while start < records.count {
            let part = Array(records[start..<min(start + Self.importChunkSize, records.count)])
            created += try await services.clients.importRecords(companyID: member.companyID, part, origin: .search, originRunID: run.id).count
            start += Self.importChunkSize
        }
        if created > 0 {
            try await services.prospectSearches.recordImport(member, runID: run.id, imported: created)
        }
        let existing = records.count - created
        await services.audit.record(kind: "prospects.imported", identity: identity, context: context, details: [
            "run_id": run.id.uuidString, "scope": everything ? "all" : "selected", "selected": String(records.count),
            "imported": String(created), "already_clients": String(existing),
        ])
        let locale = context.visitor.locale
        try await services.flash(context, .success, "flash_prospects_imported", values: [
            "imported": ClientFormat.grouped(created, locale), "existing": ClientFormat.grouped(existing, locale),
        ])
        return .seeOther(created > 0 ? "/clients?run=\(run.id.uuidString)" : "/clients")
    }

    /// Saves the run's criteria as a search named `name`, repeating every `repeat_days` days
    /// when given (its first scheduled run one period from now). The run itself stays as it is.
    /// A blank name or a period out of range comes back as a flash on the run's page.
    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, run) = try await ownRun(context, .work)
        let back = "/prospects/runs/\(run.id.uuidString)"
        let name = context.form[ProspectSearchForm.nameField].trimmingCharacters(in: .whitespacesAndNewlines)
        let typedDays = context.form[ProspectSearchForm.repeatField].trimmingCharacters(in: .whitespacesAndNewlines)
        var days: Int?
        if !typedDays.isEmpty {
            guard let number = Int(typedDays), ProspectSearch.repeatDays.contains(number) else {
                try await services.flash(context, .error, "validation_prospects_repeat_days")
                return .seeOther(back)
            }
            days = number
        }
        let saved: ProspectSearch
        do {
            saved = try await services.prospectSearches.saveSearch(member, name: name, criteria: run.criteria, repeatEveryDays: days)
        } catch let refused as FieldErrors {
            let key = refused[ProspectSearchForm.nameField] == nil ? "validation_prospects_repeat_days" : "flash_prospects_run_save_name"
            try await services.flash(context, .error, key)
            return .seeOther(back)
        }
        if saved.isScheduled {
            try await services.prospectScheduling.schedule(saved)
        }
        await services.audit.record(kind: "prospects.search_saved", identity: identity, context: context, details: [
            "run_id": run.id.uuidString, "search_id": saved.id.uuidString, "repeat_days": days.map { String($0) } ?? "",
        ])
        try await services.flash(context, .success, "flash_prospects_run_saved")
        return .seeOther("/prospects/searches")
    }

    // MARK: Helpers

    /// A range, or a code without its subcodes, asks the search job to look figures up.
    static func needsLookups(_ criteria: ProspectSearchCriteria) -> Bool {
        criteria.revenueMin != nil || criteria.revenueMax != nil || criteria.headcountMin != nil || criteria.headcountMax != nil
            || !criteria.includeSubtrees
    }

    static func statusLabel(_ status: ProspectSearchRunStatus, _ text: (String) -> String) -> String {
        text("prospects_run_status_\(status.rawValue)")
    }

    /// The run named in the path, in the visitor's company (404 otherwise, before the role check,
    /// so another tenant's id reveals nothing), and the right asked for.
    private func ownRun(_ context: AppRequestContext, _ right: ClientRight) async throws -> (Identity, TenantMember, ProspectSearchRun) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let run = try await services.prospectSearches.findRun(id, scope: .tenant(member))
        let (identity, _) = try context.require(client: right)
        return (identity, member, run)
    }
}
