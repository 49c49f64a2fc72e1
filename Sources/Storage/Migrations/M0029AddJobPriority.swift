import FluentKit
import SQLKit

/// Jobs get a priority so a sync's next batch is not queued behind the classify jobs its
/// previous batch created (see `NewJob.priority` and `InboxJobs`).
struct M0029AddJobPriority: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // A literal default works on both engines and fills the rows that exist already.
        try await database.schema("jobs")
            .field("priority", .int, .required, .custom(SQLColumnConstraintAlgorithm.default(0)))
            .update()
        guard let sql = database as? any SQLDatabase else { return }
        // The claim query now orders `priority DESC, run_at` among queued rows: an index in
        // exactly that order (status first, for the equality) lets both engines read the due
        // queued jobs in claim order and test `run_at` without visiting the table. It replaces
        // M0008's (status, run_at) index, which served the old order and would only cost every
        // job write an extra index update; `status` leads in both, so the lapsed-lease branch
        // and the per-status counts are served as before. The column list is raw SQL because
        // Fluent's index builder has no descending columns; both engines accept the statement.
        try await sql.raw("CREATE INDEX jobs_claim_priority_idx ON jobs (status, priority DESC, run_at)").run()
        try await sql.raw("DROP INDEX jobs_claim_idx").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP INDEX jobs_claim_priority_idx").run()
            try await SchemaIndex.create("jobs_claim_idx", on: "jobs", columns: ["status", "run_at"], in: database)
        }
        try await database.schema("jobs").deleteField("priority").update()
    }
}
