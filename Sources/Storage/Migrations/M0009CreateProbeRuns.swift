import FluentKit

struct M0009CreateProbeRuns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("probe_runs")
            .id()
            .field("job_id", .uuid, .required)
            .field("worker", .string, .required)
            .field("ran_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("probe_runs").delete()
    }
}
