import FluentKit

struct M0022CreateClientNotes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("client_notes")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("client_id", .uuid, .required, .references("clients", "id", onDelete: .cascade))
            // Who wrote it. Deliberately no foreign key: a note keeps its author's id when the user
            // is gone (`ClientNote.authorID` is never nil) and shows no name then, since the name
            // is joined from `users` when notes are read.
            .field("author_id", .uuid, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        // A client card's notes, newest first (read backwards).
        try await SchemaIndex.create("client_notes_client_time_idx", on: "client_notes", columns: ["company_id", "client_id", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("client_notes").delete()
    }
}
