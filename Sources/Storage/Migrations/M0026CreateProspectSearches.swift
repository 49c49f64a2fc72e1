import FluentKit

struct M0026CreateProspectSearches: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("prospect_searches")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("name", .string, .required)
            // `ProspectSearchCriteria` as JSON text, like the client's record: only the search's
            // own pages and the job read it.
            .field("criteria_json", .string, .required)
            // Days between scheduled runs; NULL: run by hand only.
            .field("repeat_every_days", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // The latest run, copied here when it starts so the list needs no join. No foreign
            // key: the runs table is created after this one and points back at it.
            .field("last_run_at", .datetime)
            .field("last_run_id", .uuid)
            .create()
        // The saved searches page: the tenant's, newest first.
        try await SchemaIndex.create("prospect_searches_company_idx", on: "prospect_searches", columns: ["company_id", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("prospect_searches").delete()
    }
}
