import FluentKit
import Foundation

final class TenantLLMProviderModel: Model, @unchecked Sendable {
    static let schema = "tenant_llm_providers"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "provider") var provider: String
    @Field(key: "model") var modelID: String
    @OptionalField(key: "base_url") var baseURL: String?
    /// The API key sealed with SecretBox. Opened only by `LLMProviderSettingsRepository`'s
    /// `configurations(companyID:)` and `credentials(for:)`.
    @Field(key: "api_key_sealed") var apiKeySealed: String
    @Field(key: "key_hint") var keyHint: String
    @Field(key: "position") var position: Int
    @Field(key: "is_enabled") var isEnabled: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class EmbeddedClassifierModel: Model, @unchecked Sendable {
    static let schema = "embedded_classifiers"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    /// `EmbeddedClassifier.encoded()` as UTF-8 text.
    @Field(key: "model") var encoded: String
    @Field(key: "format_version") var formatVersion: Int
    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "trained_at") var trainedAt: Date

    init() {}
}
