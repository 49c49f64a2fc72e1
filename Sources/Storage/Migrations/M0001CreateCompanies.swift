import FluentKit

struct M0001CreateCompanies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("companies")
            .id()
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("default_locale", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("companies").delete()
    }
}
