import FluentKit

struct M0025CreateTenantCompanyDataProviders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenant_company_data_providers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            // `CompanyDataProviderKind`.
            .field("kind", .string, .required)
            .field("base_url", .string)
            // SecretBox output (`v1.<keyID>.<base64url>`), never the key itself.
            .field("api_key_sealed", .string, .required)
            // The key's last characters, taken when it was typed, so the settings page never opens it.
            .field("key_hint", .string, .required)
            // The order providers are asked in: 0 first.
            .field("position", .int, .required)
            .field("is_enabled", .bool, .required)
            .field("updated_at", .datetime, .required)
            // One key per provider and tenant.
            .unique(on: "company_id", "kind", name: "tenant_company_data_providers_kind_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenant_company_data_providers").delete()
    }
}
