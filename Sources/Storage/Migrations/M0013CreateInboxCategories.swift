import FluentKit

struct M0013CreateInboxCategories: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inbox_categories")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("description", .string, .required)
            // JSON array of strings.
            .field("examples", .string, .required)
            .field("label_name", .string, .required)
            .field("colour", .string, .required)
            .field("position", .int, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // Also what makes seeding the defaults safe against a concurrent second seeding.
            .unique(on: "company_id", "name", name: "inbox_categories_name_uq")
            .create()
        try await SchemaIndex.create("inbox_categories_company_position_idx", on: "inbox_categories", columns: ["company_id", "position"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inbox_categories").delete()
    }
}
