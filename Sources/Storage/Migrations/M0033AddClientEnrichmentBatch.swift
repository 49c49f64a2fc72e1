import FluentKit
import SQLKit

/// The bulk enrichment request ("enrich all", "enrich ticked") that last queued a client, so the
/// list's live progress can count that request's clients rather than the whole tenant's. NULL for
/// clients never queued in bulk (and for every client before this column existed).
struct M0033AddClientEnrichmentBatch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("clients").field("enrichment_batch_id", .uuid).update()
        try await SchemaIndex.create("clients_enrichment_batch_idx", on: "clients", columns: ["company_id", "enrichment_batch_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        // SQLite refuses to drop an indexed column: the index goes first.
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "clients_enrichment_batch_idx").run()
        }
        try await database.schema("clients").deleteField("enrichment_batch_id").update()
    }
}
