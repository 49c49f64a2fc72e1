import FluentKit

/// The category a message had before a person corrected it, so the list of corrections can show
/// "from → to". NULL for corrections made before this column existed. No foreign key: SQLite
/// cannot add one to an existing table, and a category that is gone simply shows no name.
struct M0032AddCorrectionPreviousCategory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("classification_corrections").field("previous_category_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("classification_corrections").deleteField("previous_category_id").update()
    }
}
