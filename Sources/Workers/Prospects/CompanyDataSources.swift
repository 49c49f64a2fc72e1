import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import Logging
import Observability
import Storage

/// The company-data providers one tenant's enrichment asks, in order: the tenant's own (keys
/// sealed by SecretBox, in the order the tenant set), else the platform's defaults from the
/// environment, else none — and then web search alone does the work.
///
/// Every adapter shares the process's `HTTPClient` and reports each call to the audit trail
/// with the tenant on it (`AuditCompanyDataUsageRecorder`). Adapters are cheap values, built
/// again for every enrichment, so a key changed on the settings page is used by the next job.
public struct CompanyDataSources: Sendable {
    let settings: CompanyDataProviderSettingsRepository
    let platformDefaults: CompanyDataPlatformDefaults
    let httpClient: HTTPClient
    let audit: any AuditSink
    let logger: Logger

    public init(settings: CompanyDataProviderSettingsRepository, platformDefaults: CompanyDataPlatformDefaults = CompanyDataPlatformDefaults(),
                httpClient: HTTPClient = ProviderHTTPClient.shared, audit: any AuditSink, logger: Logger = Logger(label: "smartysales.company-data")) {
        self.settings = settings
        self.platformDefaults = platformDefaults
        self.httpClient = httpClient
        self.audit = audit
        self.logger = logger
    }

    /// The tenant's providers, ready to call.
    public func providers(forCompany companyID: UUID) async throws -> [any CompanyDataProvider] {
        providers(for: configurations(try await settings.credentials(companyID: companyID), companyID: companyID), companyID: companyID)
    }

    /// The tenant's own credentials as configurations, or the platform's when it has none; each
    /// stamped with the tenant for the usage events.
    public func configurations(_ credentials: [CompanyDataProviderCredentials], companyID: UUID) -> [CompanyDataProviderConfiguration] {
        let chosen = credentials.isEmpty ? platformDefaults.configurations : credentials.map(Self.configuration)
        return chosen.map { configuration in
            var stamped = configuration
            stamped.tenantID = companyID.uuidString
            return stamped
        }
    }

    /// Adapters for `configurations`, reporting to the audit trail for `companyID`.
    public func providers(for configurations: [CompanyDataProviderConfiguration], companyID: UUID) -> [any CompanyDataProvider] {
        let recorder = AuditCompanyDataUsageRecorder(sink: audit, companyID: companyID)
        return configurations.map { $0.makeProvider(httpClient: httpClient, usageRecorder: recorder, logger: logger) }
    }

    /// A stored provider as the adapters' configuration: the provider's public API unless the
    /// tenant gave a base URL.
    public static func configuration(_ credentials: CompanyDataProviderCredentials) -> CompanyDataProviderConfiguration {
        let baseURL = credentials.baseURL?.trimmingCharacters(in: .whitespacesAndNewlines)
        return CompanyDataProviderConfiguration(kind: credentials.kind, apiKey: credentials.apiKey,
                                                baseURL: (baseURL?.isEmpty ?? true) ? nil : baseURL)
    }
}
