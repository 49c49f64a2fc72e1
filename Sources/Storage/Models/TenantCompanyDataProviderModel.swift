import FluentKit
import Foundation

final class TenantCompanyDataProviderModel: Model, @unchecked Sendable {
    static let schema = "tenant_company_data_providers"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "base_url") var baseURL: String?
    /// The API key sealed with SecretBox. Opened only by
    /// `CompanyDataProviderSettingsRepository.credentials(companyID:)`.
    @Field(key: "api_key_sealed") var apiKeySealed: String
    @Field(key: "key_hint") var keyHint: String
    @Field(key: "position") var position: Int
    @Field(key: "is_enabled") var isEnabled: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
