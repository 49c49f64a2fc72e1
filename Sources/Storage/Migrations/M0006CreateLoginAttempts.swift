import FluentKit

struct M0006CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_attempts")
            .id()
            .field("email", .string, .required)
            .field("ip", .string, .required)
            .field("succeeded", .bool, .required)
            .field("attempted_at", .datetime, .required)
            .create()
        try await SchemaIndex.create("login_attempts_email_idx", on: "login_attempts", columns: ["email", "attempted_at"], in: database)
        try await SchemaIndex.create("login_attempts_ip_idx", on: "login_attempts", columns: ["ip", "attempted_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
    }
}
