import FluentKit

struct M0018CreateInboxSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inbox_settings")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("needs_review_label", .string, .required)
            .field("review_threshold", .double, .required)
            .field("updated_at", .datetime, .required)
            // A tenant without a row uses the defaults for its locale.
            .unique(on: "company_id", name: "inbox_settings_company_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inbox_settings").delete()
    }
}
