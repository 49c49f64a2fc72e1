import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// The tenant's saved searches: what each looks for, how often it repeats, when it last ran and
/// runs next; running one again by hand (a new run, nothing imported by itself), editing one in
/// the discovery form, pausing and resuming its schedule (a paused search keeps its period and
/// has no schedule), and deleting one (with its schedule; its runs and their results stay).
/// Another tenant's search is a 404 before any role is looked at; viewers look, managers and up
/// run, edit, pause and delete.
struct ProspectSearchesController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/prospects/searches", use: list)
        group.post("/prospects/searches/{id}/run", use: run)
        group.post("/prospects/searches/{id}/delete", use: delete)
        group.get("/prospects/searches/{id}/edit", use: edit)
        group.post("/prospects/searches/{id}/edit", use: update)
        group.post("/prospects/searches/{id}/pause", use: pause)
        group.post("/prospects/searches/{id}/resume", use: resume)
    }

    struct SearchRow {
        let id: String
        let name: String
        let summary: String
        let isScheduled: Bool
        /// "Every 7 days", "Daily"; nil when it does not repeat.
        let schedule: String?
        /// When the schedule runs it next; nil when it repeats by hand or is paused.
        let nextRunAt: String?
        /// It has a period but no schedule.
        let isPaused: Bool
        let canPause: Bool
        let createdAt: String
        let lastRunAt: String?
        let lastRunURL: String?
        let runURL: String
        let deleteURL: String
        let editURL: String
        let pauseURL: String
        let resumeURL: String
    }

    struct SearchesView {
        let rows: [SearchRow]
        let hasRows: Bool
        let canWork: Bool
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member) = try context.require(client: .view)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let searches = try await services.prospectSearches.searches(.tenant(member))
        let nextRuns = try await services.prospectScheduling.nextRuns(of: searches, companyID: member.companyID)
        let rows = searches.map { (search: ProspectSearch) -> SearchRow in
            let path = "/prospects/searches/\(search.id.uuidString)"
            let nextRun = search.isScheduled ? nextRuns[search.id] : nil
            return SearchRow(
                id: search.id.uuidString, name: search.name,
                summary: ProspectCriteriaSummary(search.criteria, okvedTree: services.okved, regions: services.regions, locale: locale, text: text).line,
                isScheduled: search.isScheduled, schedule: search.repeatEveryDays.map { Self.schedule(days: $0, text) },
                nextRunAt: nextRun.map { DisplayFormat.dateTime($0, locale) }, isPaused: search.isScheduled && nextRun == nil,
                canPause: nextRun != nil,
                createdAt: DisplayFormat.dateTime(search.createdAt, locale), lastRunAt: search.lastRunAt.map { DisplayFormat.dateTime($0, locale) },
                lastRunURL: search.lastRunID.map { "/prospects/runs/\($0.uuidString)" }, runURL: "\(path)/run", deleteURL: "\(path)/delete",
                editURL: "\(path)/edit", pauseURL: "\(path)/pause", resumeURL: "\(path)/resume")
        }
        let view = SearchesView(rows: rows, hasRows: !rows.isEmpty, canWork: ClientAccess.allows(member.role, .work))
        return services.renderer.page("prospect-searches", titleKey: "title_prospect_searches", content: view, request: request, context: context)
    }

    /// A new run of the saved criteria, which people look through and import from as from any
    /// search: only the schedule's runs import by themselves.
    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, search) = try await ownSearch(context, .work)
        let run = try await services.prospectSearches.createRun(member, criteria: search.criteria, searchID: search.id)
        try await ProspectSearchJob.enqueue(runID: run.id, companyID: member.companyID, queue: services.jobs)
        await services.audit.record(kind: "prospects.search_started", identity: identity, context: context, details: [
            "run_id": run.id.uuidString, "search_id": search.id.uuidString, "rerun": "yes",
        ])
        try await services.flash(context, .success, "flash_prospects_search_rerun")
        return .seeOther("/prospects/runs/\(run.id.uuidString)")
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, search) = try await ownSearch(context, .work)
        try await services.prospectSearches.deleteSearch(member, id: search.id)
        try await services.prospectScheduling.unschedule(searchID: search.id)
        await services.audit.record(kind: "prospects.search_deleted", identity: identity, context: context, details: [
            "search_id": search.id.uuidString, "was_scheduled": search.isScheduled ? "yes" : "no",
        ])
        try await services.flash(context, .success, "flash_prospects_search_deleted")
        return .seeOther("/prospects/searches")
    }

    /// The discovery form filled with the search, posting back here.
    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member, search) = try await ownSearch(context, .work)
        return try await ProspectsController(services: services).page(
            request, context, member: member, form: ProspectSearchForm(search: search), errors: FieldErrors(), status: .ok, editing: search)
    }

    /// Saves the edited search (a mistake brings the form back, 422) and brings its schedule in
    /// line: a period given to a search without one schedules it, a changed period starts over
    /// from now, a removed one unschedules it; a paused search stays paused. Nothing runs now.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, search) = try await ownSearch(context, .work)
        let form = ProspectSearchForm(form: context.form)
        let controller = ProspectsController(services: services)
        let (checked, found) = form.validated(okvedTree: services.okved, regionCatalog: services.regions)
        var errors = found
        // A saved search keeps a name: the form's name is optional only for a one-off search.
        if form.name.isEmpty { errors.add(ProspectSearchForm.nameField, "validation_required") }
        guard let valid = checked, let name = valid.name else {
            return try await controller.page(request, context, member: member, form: form, errors: errors, status: .unprocessableContent, editing: search)
        }
        let wasScheduled = try await services.prospectScheduling.isScheduled(searchID: search.id)
        let updated: ProspectSearch
        do {
            updated = try await services.prospectSearches.updateSearch(
                member, id: search.id, name: name, criteria: valid.criteria, repeatEveryDays: valid.repeatEveryDays)
        } catch let refused as FieldErrors {
            return try await controller.page(request, context, member: member, form: form, errors: refused, status: .unprocessableContent, editing: search)
        }
        if search.repeatEveryDays == nil {
            if updated.isScheduled { try await services.prospectScheduling.schedule(updated) }
        } else if wasScheduled, updated.repeatEveryDays != search.repeatEveryDays {
            try await services.prospectScheduling.reschedule(updated)
        } else if !updated.isScheduled {
            try await services.prospectScheduling.unschedule(searchID: updated.id)
        }
        await services.audit.record(kind: "prospects.search_updated", identity: identity, context: context, details: [
            "search_id": search.id.uuidString, "codes": String(valid.criteria.okvedCodes.count), "regions": String(valid.criteria.regionCodes.count),
            "repeat_days": valid.repeatEveryDays.map { String($0) } ?? "",
        ])
        try await services.flash(context, .success, "flash_prospects_search_updated")
        return .seeOther("/prospects/searches")
    }

    /// Stops the schedule; the period stays, for resuming.
    @Sendable func pause(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, _, search) = try await ownSearch(context, .work)
        try await services.prospectScheduling.unschedule(searchID: search.id)
        await services.audit.record(kind: "prospects.search_paused", identity: identity, context: context, details: [
            "search_id": search.id.uuidString,
        ])
        try await services.flash(context, .success, "flash_prospects_search_paused")
        return .seeOther("/prospects/searches")
    }

    /// Schedules the search again, its next run one period from now. A search without a period
    /// has nothing to resume.
    @Sendable func resume(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, _, search) = try await ownSearch(context, .work)
        guard search.isScheduled else {
            try await services.flash(context, .error, "flash_prospects_search_no_period")
            return .seeOther("/prospects/searches")
        }
        try await services.prospectScheduling.schedule(search)
        await services.audit.record(kind: "prospects.search_resumed", identity: identity, context: context, details: [
            "search_id": search.id.uuidString, "repeat_days": search.repeatEveryDays.map { String($0) } ?? "",
        ])
        try await services.flash(context, .success, "flash_prospects_search_resumed")
        return .seeOther("/prospects/searches")
    }

    /// How often a search repeats, in words: one string per language with the number in it, so
    /// Russian needs no plural forms ("раз в 7 дн.").
    static func schedule(days: Int, _ text: (String) -> String) -> String {
        days == 1 ? text("prospects_schedule_daily") : text("prospects_schedule_every_days").replacingOccurrences(of: "{days}", with: String(days))
    }

    /// The saved search named in the path, in the visitor's company (404 otherwise, before the
    /// role check), and the right asked for.
    private func ownSearch(_ context: AppRequestContext, _ right: ClientRight) async throws -> (Identity, TenantMember, ProspectSearch) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let search = try await services.prospectSearches.findSearch(id, scope: .tenant(member))
        let (identity, _) = try context.require(client: right)
        return (identity, member, search)
    }
}
