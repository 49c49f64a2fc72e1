import FluentKit
import SQLKit

/// The discovery run a client was imported from, so the client list can show (and enrich) the
/// companies one import brought in: `/clients?run=<id>`. NULL for clients added by hand, and for
/// every client imported before this column existed.
struct M0037AddClientOriginRun: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("clients").field("origin_run_id", .uuid).update()
        try await SchemaIndex.create("clients_origin_run_idx", on: "clients", columns: ["company_id", "origin_run_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        // SQLite refuses to drop an indexed column: the index goes first.
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "clients_origin_run_idx").run()
        }
        try await database.schema("clients").deleteField("origin_run_id").update()
    }
}
