import FluentKit

struct M0005CreateRecoveryCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        try await SchemaIndex.create("recovery_codes_user_idx", on: "recovery_codes", columns: ["user_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("recovery_codes").delete()
    }
}
