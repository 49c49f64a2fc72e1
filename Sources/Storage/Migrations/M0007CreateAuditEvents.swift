import FluentKit

struct M0007CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            // No foreign key: the audit trail outlives deleted users and must never block a delete.
            .field("company_id", .uuid)
            .field("user_id", .uuid)
            .field("actor", .string)
            .field("kind", .string, .required)
            .field("method", .string)
            .field("path", .string)
            .field("status", .int)
            .field("duration_ms", .double)
            .field("ip", .string)
            .field("details", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await SchemaIndex.create("audit_events_company_time_idx", on: "audit_events", columns: ["company_id", "created_at"], in: database)
        try await SchemaIndex.create("audit_events_time_idx", on: "audit_events", columns: ["created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
