import FluentKit

struct M0023CreateCompanyCache: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // THE ONE TABLE WITHOUT `company_id`, on purpose: it is shared by every tenant so that a
        // public lookup is paid for once. It holds public company data only (registry records,
        // public contacts and the sources they came from): never notes, templates, message
        // history or anything a tenant typed about a client.
        try await database.schema("company_cache")
            .field("inn", .string, .identifier(auto: false))
            // `CompanyRecord` and `ClientContacts` as JSON text.
            .field("record_json", .string, .required)
            .field("contacts_json", .string, .required)
            // When the data was fetched from its sources (what freshness is judged by) and when
            // the row was last written.
            .field("fetched_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("company_cache").delete()
    }
}
