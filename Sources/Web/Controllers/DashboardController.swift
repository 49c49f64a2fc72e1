import Domain
import Foundation
import Hummingbird

/// The signed-in home page: a shell with the sections to come and a few live numbers.
struct DashboardController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/dashboard", use: dashboard)
    }

    struct DashboardView {
        struct Stats {
            let users: Int
            let auditEventsToday: Int
            let jobsQueued: Int
            let jobsDead: Int
        }
        let stats: Stats
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.identity()
        guard case .tenant(let member) = identity.scope else { return .seeOther("/admin/tenants") }
        let scope = identity.scope
        let users = try await services.users.list(scope).count
        let startOfDay = Calendar(identifier: .gregorian).startOfDay(for: Date())
        let events = try await services.auditTrail.count(scope, since: startOfDay)
        let jobs = try await services.jobs.counts(.tenant(member))
        let view = DashboardView(stats: .init(users: users, auditEventsToday: events, jobsQueued: jobs[.queued] ?? 0, jobsDead: jobs[.dead] ?? 0))
        return services.renderer.page("dashboard", titleKey: "title_dashboard", content: view, request: request, context: context)
    }
}
