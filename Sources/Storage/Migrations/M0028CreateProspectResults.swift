import FluentKit

struct M0028CreateProspectResults: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("prospect_results")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("run_id", .uuid, .required, .references("prospect_search_runs", "id", onDelete: .cascade))
            // The order the run found them in: the results table's order.
            .field("position", .int, .required)
            .field("inn", .string, .required)
            // The columns the results table shows, copied from the record.
            .field("name", .string, .required)
            .field("region_code", .string)
            .field("okved_code", .string)
            .field("revenue", .int64)
            .field("headcount", .int)
            .field("company_status", .string)
            // The provider's `CompanyRecord` as JSON: an import makes the client from it without
            // asking the provider a second time.
            .field("record_json", .string, .required)
            .field("created_at", .datetime, .required)
            // Each company once per run, whichever query or page found it again; the target of
            // the job's ON CONFLICT, so a retried page adds nothing twice.
            .unique(on: "run_id", "inn", name: "prospect_results_run_inn_uq")
            .create()
        // A page of a run's results, in order.
        try await SchemaIndex.create("prospect_results_run_idx", on: "prospect_results", columns: ["company_id", "run_id", "position"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("prospect_results").delete()
    }
}
