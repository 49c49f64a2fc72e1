import FluentKit

/// Companies a tenant removed from its clients (`ClientRepository.delete`): a saved search's
/// scheduled re-run must not bring them back. A person importing or adding one again clears it.
struct M0031CreateDismissedCompanies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dismissed_companies")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("inn", .string, .required)
            .field("dismissed_at", .datetime, .required)
            // Once per tenant and INN; the target of the deletion's ON CONFLICT, and the lookup
            // a scheduled import makes.
            .unique(on: "company_id", "inn", name: "dismissed_companies_company_inn_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dismissed_companies").delete()
    }
}
