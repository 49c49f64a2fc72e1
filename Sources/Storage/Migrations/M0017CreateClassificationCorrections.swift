import FluentKit

struct M0017CreateClassificationCorrections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("classification_corrections")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            // A training example outlives its message: it carries its own copy of what was learnt.
            .field("message_id", .uuid, .references("inbound_messages", "id", onDelete: .setNull))
            .field("category_id", .uuid, .required, .references("inbox_categories", "id", onDelete: .cascade))
            .field("sender", .string, .required)
            .field("subject", .string, .required)
            .field("snippet", .string, .required)
            .field("corrected_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await SchemaIndex.create("classification_corrections_company_time_idx", on: "classification_corrections", columns: ["company_id", "created_at"], in: database)
        try await SchemaIndex.create("classification_corrections_message_idx", on: "classification_corrections", columns: ["message_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("classification_corrections").delete()
    }
}
