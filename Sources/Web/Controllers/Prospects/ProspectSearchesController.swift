import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// The tenant's saved searches: what each looks for, how often it repeats, when it last ran;
/// running one again by hand (a new run, nothing imported by itself) and deleting one (with its
/// schedule; its runs and their results stay). Another tenant's search is a 404 before any role
/// is looked at; viewers look, managers and up run and delete.
struct ProspectSearchesController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/prospects/searches", use: list)
        group.post("/prospects/searches/{id}/run", use: run)
        group.post("/prospects/searches/{id}/delete", use: delete)
    }

    struct SearchRow {
        let id: String
        let name: String
        let summary: String
        let isScheduled: Bool
        /// "Every 7 days", "Daily"; nil when it does not repeat.
        let schedule: String?
        let createdAt: String
        let lastRunAt: String?
        let lastRunURL: String?
        let runURL: String
        let deleteURL: String
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
        let rows = searches.map { (search: ProspectSearch) -> SearchRow in
            let path = "/prospects/searches/\(search.id.uuidString)"
            return SearchRow(
                id: search.id.uuidString, name: search.name,
                summary: ProspectCriteriaSummary(search.criteria, okvedTree: services.okved, regions: services.regions, locale: locale, text: text).line,
                isScheduled: search.isScheduled, schedule: search.repeatEveryDays.map { Self.schedule(days: $0, text) },
                createdAt: DisplayFormat.dateTime(search.createdAt, locale), lastRunAt: search.lastRunAt.map { DisplayFormat.dateTime($0, locale) },
                lastRunURL: search.lastRunID.map { "/prospects/runs/\($0.uuidString)" }, runURL: "\(path)/run", deleteURL: "\(path)/delete")
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
