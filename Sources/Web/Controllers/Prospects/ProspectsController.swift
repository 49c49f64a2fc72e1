import CompanyData
import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// Discovery's front page: the search form (OKVED codes with their subtrees, regions, revenue
/// and headcount ranges, active only, and optionally a name and a period to save it under) and
/// the tenant's latest runs. Posting the form creates the run (and the saved search), queues the
/// `prospects.search` job and opens the run's page, where the results come in. Everyone in the
/// tenant looks; managers and up search.
struct ProspectsController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/prospects", use: show)
        group.post("/prospects/search", use: search)
    }

    struct FormView {
        let okved: String
        let includeSubtrees: Bool
        let revenueMin: String
        let revenueMax: String
        let headcountMin: String
        let headcountMax: String
        let activeOnly: Bool
        let name: String
        let repeatDays: String
    }

    struct RunRow {
        let url: String
        let createdAt: String
        let status: String
        let statusLabel: String
        let searchName: String?
        let codes: String
        let found: String
        let imported: String
        let isScheduled: Bool
    }

    /// A typed code the reference data knows, with its name and whether it takes its subtree.
    struct PickedCode {
        let code: String
        let name: String
        let hasChildren: Bool
        let includesSubtree: Bool
    }

    /// The form edits a saved search instead of starting a run.
    struct Editing {
        let name: String
    }

    struct DiscoveryView {
        let form: FormView
        /// Posts here: a new run, or the saved search being edited.
        let formAction: String
        let editing: Editing?
        let pickedCodes: [PickedCode]
        let hasPickedCodes: Bool
        let errors: [String: String]
        let hasErrors: Bool
        let regionOptions: [InboxViews.Option]
        let canWork: Bool
        let runs: [RunRow]
        let hasRuns: Bool
        /// The caps, in the visitor's digits, for the note under the form.
        let pagesPerQuery: String
        let maximumResults: String
        let maximumCodes: String
        /// What the ranges and an exact code can check: up to the deployment's lookups per run.
        let lookupsNote: String
        let repeatMin: String
        let repeatMax: String
    }

    // MARK: Routes

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member) = try context.require(client: .view)
        return try await page(request, context, member: member, form: ProspectSearchForm(), errors: FieldErrors(), status: .ok)
    }

    /// Checks the form; a mistake brings it back (422) with everything as typed. Otherwise saves
    /// the search when it is named (and schedules it when it repeats), creates the run, queues
    /// it and opens its page.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member) = try context.require(client: .work)
        let form = ProspectSearchForm(form: context.form)
        let (checked, errors) = form.validated(okvedTree: services.okved, regionCatalog: services.regions)
        guard let valid = checked else {
            return try await page(request, context, member: member, form: form, errors: errors, status: .unprocessableContent)
        }
        var saved: ProspectSearch?
        if let name = valid.name {
            do {
                saved = try await services.prospectSearches.saveSearch(member, name: name, criteria: valid.criteria, repeatEveryDays: valid.repeatEveryDays)
            } catch let refused as FieldErrors {
                return try await page(request, context, member: member, form: form, errors: refused, status: .unprocessableContent)
            }
        }
        let run = try await services.prospectSearches.createRun(member, criteria: valid.criteria, searchID: saved?.id)
        try await ProspectSearchJob.enqueue(runID: run.id, companyID: member.companyID, queue: services.jobs)
        if let saved, saved.isScheduled {
            try await services.prospectScheduling.schedule(saved)
        }
        await services.audit.record(kind: "prospects.search_started", identity: identity, context: context, details: [
            "run_id": run.id.uuidString, "search_id": saved?.id.uuidString ?? "", "codes": String(valid.criteria.okvedCodes.count),
            "regions": String(valid.criteria.regionCodes.count), "repeat_days": valid.repeatEveryDays.map { String($0) } ?? "",
        ])
        switch (saved, valid.repeatEveryDays) {
        case (nil, _):
            try await services.flash(context, .success, "flash_prospects_search_started")
        case (_?, nil):
            try await services.flash(context, .success, "flash_prospects_search_saved")
        case (_?, 1?):
            try await services.flash(context, .success, "flash_prospects_search_scheduled_daily")
        case (_?, let days?):
            try await services.flash(context, .success, "flash_prospects_search_scheduled", values: ["days": String(days)])
        }
        return .seeOther("/prospects/runs/\(run.id.uuidString)")
    }

    // MARK: Page

    /// The discovery page, or with `editing` the same form for a saved search (without the
    /// list of runs).
    func page(_ request: Request, _ context: AppRequestContext, member: TenantMember, form: ProspectSearchForm, errors: FieldErrors,
              status: HTTPResponse.Status, editing: ProspectSearch? = nil) async throws -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        var runs: [ProspectSearchRun] = []
        var saved: [ProspectSearch] = []
        if editing == nil {
            runs = try await services.prospectSearches.recentRuns(.tenant(member))
            saved = try await services.prospectSearches.searches(.tenant(member))
        }
        let names = Dictionary(saved.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let chosen = Set(form.regions.map(RegionCatalog.normalizedCode))
        let regionOptions = services.regions.all.map { (region: Region) -> InboxViews.Option in
            InboxViews.Option(value: region.code, label: "\(region.code) — \(region.fullName)", selected: chosen.contains(region.code))
        }
        let rows = runs.map { (run: ProspectSearchRun) -> RunRow in
            RunRow(
                url: "/prospects/runs/\(run.id.uuidString)", createdAt: DisplayFormat.dateTime(run.createdAt, locale),
                status: run.status.rawValue, statusLabel: ProspectRunsController.statusLabel(run.status, text),
                searchName: run.searchID.flatMap { names[$0] }, codes: run.criteria.okvedCodes.joined(separator: ", "),
                found: ClientFormat.grouped(run.found, locale), imported: ClientFormat.grouped(run.imported, locale),
                isScheduled: run.isScheduled)
        }
        let messages = services.renderer.localizer.messages(errors, locale)
        let picked = form.knownCodes(okvedTree: services.okved).map { entry in
            PickedCode(code: entry.code, name: entry.name, hasChildren: !services.okved.children(of: entry.code).isEmpty,
                       includesSubtree: form.includesSubtree(of: entry, okvedTree: services.okved))
        }
        let view = DiscoveryView(
            form: FormView(
                okved: form.okved, includeSubtrees: form.includeSubtrees, revenueMin: form.revenueMin, revenueMax: form.revenueMax,
                headcountMin: form.headcountMin, headcountMax: form.headcountMax, activeOnly: form.activeOnly, name: form.name,
                repeatDays: form.repeatDays),
            formAction: editing.map { "/prospects/searches/\($0.id.uuidString)/edit" } ?? "/prospects/search",
            editing: editing.map { Editing(name: $0.name) },
            pickedCodes: picked, hasPickedCodes: !picked.isEmpty,
            errors: messages, hasErrors: !messages.isEmpty, regionOptions: regionOptions,
            canWork: ClientAccess.allows(member.role, .work), runs: rows, hasRuns: !rows.isEmpty,
            pagesPerQuery: ClientFormat.grouped(ProspectSearchRun.maximumPagesPerQuery, locale),
            maximumResults: ClientFormat.grouped(ProspectSearchRun.maximumResults, locale),
            maximumCodes: String(ProspectSearchForm.maximumCodes),
            lookupsNote: services.renderer.localizer.text("prospects_field_lookups", locale, values: [
                "count": ClientFormat.grouped(services.discoveryLookupsPerRun, locale),
            ]),
            repeatMin: String(ProspectSearch.repeatDays.lowerBound), repeatMax: String(ProspectSearch.repeatDays.upperBound))
        return services.renderer.page("prospects", titleKey: editing == nil ? "title_prospects" : "title_prospect_search_edit", content: view,
                                      request: request, context: context, status: status)
    }
}
