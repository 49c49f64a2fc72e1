import FluentKit

struct M0008CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("company_id", .uuid, .references("companies", "id", onDelete: .cascade))
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("run_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("last_error", .string)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("schedule_key", .string)
            .field("repeat_seconds", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "schedule_key")
            .create()
        // The claim query scans by status and due time; this keeps it an index range scan.
        try await SchemaIndex.create("jobs_claim_idx", on: "jobs", columns: ["status", "run_at"], in: database)
        try await SchemaIndex.create("jobs_company_idx", on: "jobs", columns: ["company_id", "status"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
