import Foundation
import LLM

/// Which LLM providers classify a tenant's mail, in order of preference (the first that answers
/// wins; see `LLMClientFactory`). None: the tenant's embedded classifier does the work.
/// `TenantLLMConfigurationSource` gives the tenant's own keys (sealed with SecretBox), else the
/// platform's default from the environment.
public protocol LLMConfigurationSource: Sendable {
    func providers(forCompany companyID: UUID) async throws -> [LLMProviderConfiguration]
}

/// The platform's providers from environment variables, the same for every tenant:
///
/// - `SMARTYSALES_OPENAI_API_KEY`, `SMARTYSALES_OPENAI_BASE_URL`, `SMARTYSALES_OPENAI_MODEL`
/// - `SMARTYSALES_ANTHROPIC_API_KEY`, `SMARTYSALES_ANTHROPIC_BASE_URL`, `SMARTYSALES_ANTHROPIC_MODEL`
/// - `SMARTYSALES_DEEPSEEK_API_KEY`, `SMARTYSALES_DEEPSEEK_BASE_URL`, `SMARTYSALES_DEEPSEEK_MODEL`
///
/// A provider is used when its key is set, in that order. Without a model variable a current
/// small model of the provider is used; model ids change often, so set it.
public struct EnvironmentLLMConfigurationSource: LLMConfigurationSource {
    public let configurations: [LLMProviderConfiguration]

    public static let defaultModels: [LLMProviderKind: String] = [
        .openAI: "gpt-4.1-mini",
        .anthropic: "claude-haiku-4-5",
        .deepSeek: "deepseek-chat",
    ]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let providers: [(kind: LLMProviderKind, prefix: String)] = [(.openAI, "OPENAI"), (.anthropic, "ANTHROPIC"), (.deepSeek, "DEEPSEEK")]
        var found: [LLMProviderConfiguration] = []
        for (kind, prefix) in providers {
            func value(_ name: String) -> String? {
                let text = environment["SMARTYSALES_\(prefix)_\(name)"]?.trimmingCharacters(in: .whitespacesAndNewlines)
                return (text?.isEmpty ?? true) ? nil : text
            }
            guard let key = value("API_KEY") else { continue }
            found.append(LLMProviderConfiguration(
                kind: kind, model: value("MODEL") ?? Self.defaultModels[kind] ?? "", apiKey: key, baseURL: value("BASE_URL")))
        }
        configurations = found
    }

    public func providers(forCompany companyID: UUID) async throws -> [LLMProviderConfiguration] {
        configurations
    }
}

/// The same providers for everyone, as given (tests, benchmarks, a single-tenant install).
public struct FixedLLMConfigurationSource: LLMConfigurationSource {
    public let configurations: [LLMProviderConfiguration]

    public init(_ configurations: [LLMProviderConfiguration]) {
        self.configurations = configurations
    }

    public func providers(forCompany companyID: UUID) async throws -> [LLMProviderConfiguration] {
        configurations
    }
}
