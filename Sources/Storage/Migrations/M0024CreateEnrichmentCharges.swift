import Domain
import FluentKit
import SQLKit

struct M0024CreateEnrichmentCharges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("enrichment_charges")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            // A charge outlives its client (the month's usage must not shrink when a client is
            // removed): it carries its own copy of the INN and name.
            .field("client_id", .uuid, .references("clients", "id", onDelete: .setNull))
            .field("inn", .string, .required)
            .field("client_name", .string, .required)
            // `2026-11`: the month (UTC) the charge counts against.
            .field("period", .string, .required)
            .field("source", .string, .required)
            .field("reason", .string, .required)
            .field("charged_at", .datetime, .required)
            // Once per client and month, so a re-run job never charges twice; the target of the
            // charge's ON CONFLICT. Charges whose client is gone (NULL) never collide.
            .unique(on: "company_id", "client_id", "period", name: "enrichment_charges_client_period_uq")
            .create()
        // The month's usage (a count) and the usage page (newest first).
        try await SchemaIndex.create("enrichment_charges_period_idx", on: "enrichment_charges", columns: ["company_id", "period", "charged_at"], in: database)
        // Every tenant starts with the default allowance; a literal default works on both engines
        // and fills the rows that exist already.
        try await database.schema("companies")
            .field("enrichment_monthly_limit", .int, .required,
                   .custom(SQLColumnConstraintAlgorithm.default(EnrichmentQuota.defaultMonthlyLimit)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("companies").deleteField("enrichment_monthly_limit").update()
        try await database.schema("enrichment_charges").delete()
    }
}
