import FluentKit

struct M0004CreateRememberTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("remember_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("selector", .string, .required)
            .field("validator_hash", .string, .required)
            .field("previous_validator_hash", .string)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "selector")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("remember_tokens").delete()
    }
}
