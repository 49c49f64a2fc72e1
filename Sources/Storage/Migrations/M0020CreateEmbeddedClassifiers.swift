import FluentKit

struct M0020CreateEmbeddedClassifiers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("embedded_classifiers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            // `EmbeddedClassifier.encoded()`: JSON text, kept as written.
            .field("model", .string, .required)
            .field("format_version", .int, .required)
            // What it was trained from (categories, corrections), hashed: a different value means retrain.
            .field("fingerprint", .string, .required)
            .field("trained_at", .datetime, .required)
            .unique(on: "company_id", name: "embedded_classifiers_company_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("embedded_classifiers").delete()
    }
}
