import FluentKit

struct M0002CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("company_id", .uuid, .references("companies", "id", onDelete: .cascade))
            .field("full_name", .string, .required)
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string)
            .field("platform_role", .string)
            .field("locale", .string, .required)
            .field("is_active", .bool, .required)
            .field("must_change_password", .bool, .required)
            .field("totp_secret", .string)
            .field("totp_enabled", .bool, .required)
            .field("last_login_at", .datetime)
            .field("password_changed_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            // One account per address across the platform: sign-in is by e-mail alone.
            .unique(on: "email")
            .create()
        try await SchemaIndex.create("users_company_idx", on: "users", columns: ["company_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
