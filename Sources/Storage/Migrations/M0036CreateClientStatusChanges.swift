import FluentKit

/// Every move of a client along the pipeline: from, to, who (NULL for enrichment), when and an
/// optional comment (the reason a client was lost). Tenant-scoped like the client it belongs to.
struct M0036CreateClientStatusChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("client_status_changes")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("client_id", .uuid, .required, .references("clients", "id", onDelete: .cascade))
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            // No foreign key, as for notes: the change keeps who made it when the user is gone.
            .field("changed_by", .uuid)
            .field("comment", .string)
            .field("changed_at", .datetime, .required)
            .create()
        // A client card's history, newest first.
        try await SchemaIndex.create("client_status_changes_client_time_idx", on: "client_status_changes",
                                     columns: ["company_id", "client_id", "changed_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("client_status_changes").delete()
    }
}
