import Domain
import Foundation
import Hummingbird

/// Background work as admins see it: how much is waiting, and the jobs that gave up, with why.
struct JobsController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/jobs", use: list)
        group.post("/jobs/{id}/retry", use: retry)
    }

    struct JobRow {
        let id: String
        let kind: String
        let attempts: Int
        let lastError: String
        let updatedAt: String
    }

    struct Counts {
        let queued: Int
        let running: Int
        let dead: Int
    }

    struct JobsView {
        let counts: Counts
        let deadJobs: [JobRow]
        let noDeadJobs: Bool
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageJobs)
        let counts = try await services.jobs.counts(identity.scope)
        let dead = try await services.jobs.deadJobs(identity.scope)
        let rows = dead.map { JobRow(id: $0.id.uuidString, kind: $0.kind, attempts: $0.attempts, lastError: $0.lastError ?? "", updatedAt: DisplayFormat.dateTimeSeconds($0.updatedAt)) }
        let view = JobsView(counts: Counts(queued: counts[.queued] ?? 0, running: counts[.running] ?? 0, dead: counts[.dead] ?? 0), deadJobs: rows, noDeadJobs: rows.isEmpty)
        return services.renderer.page("jobs", titleKey: "title_jobs", content: view, request: request, context: context)
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let jobID = try context.uuidParameter()
        let identity = try context.identity()
        // Looked up in the tenant first: another tenant's job id is a 404 before any role check.
        _ = try await services.jobs.find(jobID, scope: identity.scope)
        _ = try context.require(.manageJobs)
        try await services.jobs.retry(jobID, scope: identity.scope)
        await services.audit.record(kind: "job.retried", identity: identity, context: context, details: ["job_id": jobID.uuidString])
        try await services.flash(context, .success, "flash_job_retried")
        return .seeOther("/jobs")
    }
}
