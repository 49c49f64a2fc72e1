import FluentKit

struct M0003CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sessions")
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .uuid, .references("users", "id", onDelete: .cascade))
            .field("pending_user_id", .uuid, .references("users", "id", onDelete: .cascade))
            .field("pending_remember", .bool, .required)
            .field("flash", .string)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await SchemaIndex.create("sessions_user_idx", on: "sessions", columns: ["user_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").delete()
    }
}
