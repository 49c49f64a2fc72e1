import FluentKit
import SQLKit

/// Discovery looks up the figures a range needs (revenue, headcount, an exact OKVED code) that a
/// search answer did not carry, up to a number of companies per run. A run counts the companies
/// that needed a lookup and those looked up (its live progress); a result whose figure is still
/// unknown is `not_checked`: shown apart, and left out of "import all". One column per ALTER,
/// which is all SQLite takes.
struct M0038AddProspectFigureChecks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("prospect_search_runs")
            .field("lookups_wanted", .int, .required, .custom(SQLColumnConstraintAlgorithm.default(0)))
            .update()
        try await database.schema("prospect_search_runs")
            .field("lookups_done", .int, .required, .custom(SQLColumnConstraintAlgorithm.default(0)))
            .update()
        try await database.schema("prospect_results")
            .field("not_checked", .bool, .required, .custom(SQLColumnConstraintAlgorithm.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("prospect_results").deleteField("not_checked").update()
        try await database.schema("prospect_search_runs").deleteField("lookups_done").update()
        try await database.schema("prospect_search_runs").deleteField("lookups_wanted").update()
    }
}
