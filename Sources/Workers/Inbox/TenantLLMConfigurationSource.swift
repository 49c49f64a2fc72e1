import Domain
import Foundation
import LLM
import Storage

/// The providers that classify a tenant's mail: the tenant's own enabled providers in the
/// order the tenant set, else the platform's default (from the environment), else none — and
/// then the embedded classifier does the work.
public struct TenantLLMConfigurationSource: LLMConfigurationSource {
    let settings: LLMProviderSettingsRepository
    let platformDefault: any LLMConfigurationSource

    public init(settings: LLMProviderSettingsRepository, platformDefault: any LLMConfigurationSource = EnvironmentLLMConfigurationSource()) {
        self.settings = settings
        self.platformDefault = platformDefault
    }

    public func providers(forCompany companyID: UUID) async throws -> [LLMProviderConfiguration] {
        let own = try await settings.configurations(companyID: companyID).map(Self.configuration)
        if !own.isEmpty { return own }
        return try await platformDefault.providers(forCompany: companyID)
    }

    /// A stored provider as the LLM layer's configuration: the provider's public API unless the
    /// tenant gave a base URL.
    public static func configuration(_ credentials: LLMProviderCredentials) -> LLMProviderConfiguration {
        LLMProviderConfiguration(kind: kind(of: credentials.provider), model: credentials.model, apiKey: credentials.apiKey,
                                 baseURL: credentials.baseURL)
    }

    /// Domain's provider names are the LLM layer's kinds, raw value for raw value.
    public static func kind(of provider: LLMProvider) -> LLMProviderKind {
        switch provider {
        case .openAI: .openAI
        case .anthropic: .anthropic
        case .deepSeek: .deepSeek
        }
    }
}
