import FluentKit

struct M0019CreateTenantLLMProviders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenant_llm_providers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("provider", .string, .required)
            .field("model", .string, .required)
            .field("base_url", .string)
            // SecretBox output (`v1.<keyID>.<base64url>`), never the key itself.
            .field("api_key_sealed", .string, .required)
            // The key's last characters, taken when it was typed, so the settings page never opens it.
            .field("key_hint", .string, .required)
            // The fallback order: 0 is asked first.
            .field("position", .int, .required)
            .field("is_enabled", .bool, .required)
            .field("updated_at", .datetime, .required)
            // One key per provider and tenant: the fallback order moves between providers, not keys.
            .unique(on: "company_id", "provider", name: "tenant_llm_providers_provider_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenant_llm_providers").delete()
    }
}
