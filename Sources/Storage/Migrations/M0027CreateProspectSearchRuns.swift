import FluentKit

struct M0027CreateProspectSearchRuns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("prospect_search_runs")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            // A run outlives its saved search: its results stay readable after the search is deleted.
            .field("search_id", .uuid, .references("prospect_searches", "id", onDelete: .setNull))
            // The criteria when the run started: a saved search may change, its old runs do not.
            .field("criteria_json", .string, .required)
            // `ProspectSearchRunStatus`.
            .field("status", .string, .required)
            .field("is_scheduled", .bool, .required)
            // The job's cursor: the query it is on and the page to ask for next. Moved in the
            // transaction that stores a page's results, so a retry goes on from there.
            .field("queries_total", .int, .required)
            .field("queries_done", .int, .required)
            .field("next_page", .int, .required)
            .field("found", .int, .required)
            .field("imported", .int, .required)
            .field("error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        // The discovery page's recent runs.
        try await SchemaIndex.create("prospect_search_runs_company_idx", on: "prospect_search_runs", columns: ["company_id", "created_at"], in: database)
        // A scheduled job's "is a run of this search still unfinished?".
        try await SchemaIndex.create("prospect_search_runs_search_idx", on: "prospect_search_runs", columns: ["search_id", "status"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("prospect_search_runs").delete()
    }
}
