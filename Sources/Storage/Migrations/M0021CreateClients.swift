import FluentKit
import SQLKit

struct M0021CreateClients: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("clients")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("inn", .string, .required)
            // `CompanyRecord.displayName` when the client was last saved: what the list shows.
            .field("name", .string, .required)
            // The folded name and the INN (see `ClientSearch`): the name filter and the name order
            // read this column. SQLite compares text byte by byte; PostgreSQL would use the
            // database's locale, so there the column is declared with the byte-order collation and
            // both engines list names in the same order.
            .field("name_search", Self.byteOrderText(on: database), .required)
            .field("status", .string, .required)
            .field("enrichment", .string, .required)
            .field("enrichment_error", .string)
            // Copied from the record on every save, so the list filters and sorts on plain columns
            // and never opens `record_json`.
            .field("region_code", .string)
            .field("okved_code", .string)
            // Whole roubles, last reported year.
            .field("revenue", .int64)
            .field("headcount", .int)
            .field("origin", .string, .required)
            // `CompanyRecord` and `ClientContacts` as JSON text (portable; only the client card reads them).
            .field("record_json", .string, .required)
            .field("contacts_json", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("enriched_at", .datetime)
            // One client per company and tenant; the target of the import's ON CONFLICT, and the
            // index the INN prefix search and the "already a client" lookups use.
            .unique(on: "company_id", "inn", name: "clients_inn_uq")
            .create()
        // The list at 100,000 clients a tenant: every sort is one range scan of an index that
        // starts with the tenant and ends with the id tiebreaker (read backwards for descending
        // orders). Revenue and headcount put unknown values last by reading the known and the
        // unknown rows as two ranges of the same index; the status order reads one range per status.
        try await SchemaIndex.create("clients_created_idx", on: "clients", columns: ["company_id", "created_at", "id"], in: database)
        try await SchemaIndex.create("clients_name_idx", on: "clients", columns: ["company_id", "name_search", "id"], in: database)
        try await SchemaIndex.create("clients_revenue_idx", on: "clients", columns: ["company_id", "revenue", "id"], in: database)
        try await SchemaIndex.create("clients_headcount_idx", on: "clients", columns: ["company_id", "headcount", "id"], in: database)
        try await SchemaIndex.create("clients_status_idx", on: "clients", columns: ["company_id", "status", "id"], in: database)
        // The common filters, and the enrichment progress counts of a bulk run.
        try await SchemaIndex.create("clients_enrichment_idx", on: "clients", columns: ["company_id", "enrichment"], in: database)
        try await SchemaIndex.create("clients_region_idx", on: "clients", columns: ["company_id", "region_code"], in: database)
        try await SchemaIndex.create("clients_okved_idx", on: "clients", columns: ["company_id", "okved_code"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("clients").delete()
    }

    /// Text compared byte by byte (UTF-8 byte order is code point order): SQLite's default, and
    /// PostgreSQL's `"C"` collation.
    static func byteOrderText(on database: any Database) -> DatabaseSchema.DataType {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return .string }
        return .custom(SQLRaw(#"TEXT COLLATE "C""#))
    }
}
