import FluentKit

struct M0014CreateInboxRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inbox_rules")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("category_id", .uuid, .required, .references("inbox_categories", "id", onDelete: .cascade))
            .field("apply_label", .bool, .required)
            .field("mark_as_read", .bool, .required)
            .field("move_to_folder", .string)
            .field("is_enabled", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // One rule per category.
            .unique(on: "company_id", "category_id", name: "inbox_rules_category_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inbox_rules").delete()
    }
}
