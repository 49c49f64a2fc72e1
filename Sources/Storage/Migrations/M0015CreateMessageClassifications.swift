import FluentKit

struct M0015CreateMessageClassifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("message_classifications")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("message_id", .uuid, .required, .references("inbound_messages", "id", onDelete: .cascade))
            .field("category_id", .uuid, .references("inbox_categories", "id", onDelete: .setNull))
            .field("confidence", .double, .required)
            .field("reason", .string, .required)
            .field("source", .string, .required)
            .field("needs_review", .bool, .required)
            .field("classified_at", .datetime, .required)
            .field("corrected_by", .uuid)
            .field("corrected_at", .datetime)
            // The current verdict only: saving a verdict again is an upsert on this key.
            .unique(on: "message_id", name: "message_classifications_message_uq")
            .create()
        try await SchemaIndex.create("message_classifications_company_category_idx", on: "message_classifications", columns: ["company_id", "category_id"], in: database)
        try await SchemaIndex.create("message_classifications_company_review_idx", on: "message_classifications", columns: ["company_id", "needs_review"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("message_classifications").delete()
    }
}
