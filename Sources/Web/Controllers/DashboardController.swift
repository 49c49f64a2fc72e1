import Domain
import Foundation
import Hummingbird

/// The signed-in home page: a shell with the sections to come and a few live numbers.
struct DashboardController {
    let services: WebServices
    /// The figures per company, up to two seconds old: the page is every user's home and is
    /// reloaded constantly, and two count queries per view were most of its database time.
    let figures = ExpiringCache<UUID, DashboardView.Stats>(lifetime: .seconds(2))

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/dashboard", use: dashboard)
    }

    struct DashboardView: TemplateFields {
        struct Stats {
            let users: Int
            let signedInToday: Int
            let jobsQueued: Int
            let jobsDead: Int
        }
        let stats: Stats

        /// By hand: this is every user's home page, and `Mirror` over it was a twentieth of a view.
        var templateFields: [String: TemplateValue] {
            ["stats": .object([
                "users": .integer(stats.users), "signedInToday": .integer(stats.signedInToday),
                "jobsQueued": .integer(stats.jobsQueued), "jobsDead": .integer(stats.jobsDead),
            ])]
        }
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.identity()
        guard case .tenant(let member) = identity.scope else { return .seeOther("/admin/tenants") }
        // Cheap figures only. (A count of today's audit events grew with every request and was
        // dropped for that reason.)
        let stats = try await figures.value(for: member.companyID) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = DisplayFormat.timeZone
            let startOfDay = calendar.startOfDay(for: Date())
            let headcount = try await services.users.headcount(member, signedInSince: startOfDay)
            let jobs = try await services.jobs.counts(.tenant(member))
            return DashboardView.Stats(users: headcount.total, signedInToday: headcount.signedIn, jobsQueued: jobs[.queued] ?? 0, jobsDead: jobs[.dead] ?? 0)
        }
        let view = DashboardView(stats: stats)
        return services.renderer.page("dashboard", titleKey: "title_dashboard", content: view, request: request, context: context)
    }
}
