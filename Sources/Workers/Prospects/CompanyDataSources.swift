import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import Logging
import Observability
import Storage

/// The company-data providers one tenant's enrichment asks, in order: the tenant's own (keys
/// sealed by SecretBox, in the order the tenant set), then, for every service the tenant has no
/// enabled key of its own for, the platform's default from the environment. The choice is per
/// service: a tenant with only a DaData key still gets the platform's Checko. No provider at
/// all: web search alone does the work.
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

    /// The tenant's own credentials as configurations, followed by the platform's for the
    /// services the tenant has no key for; each stamped with the tenant for the usage events.
    public func configurations(_ credentials: [CompanyDataProviderCredentials], companyID: UUID) -> [CompanyDataProviderConfiguration] {
        let chosen = Self.perService(own: credentials.map(Self.configuration), platform: platformDefaults.configurations)
        return chosen.map { configuration in
            var stamped = configuration
            stamped.tenantID = companyID.uuidString
            return stamped
        }
    }

    /// Per service, the tenant's key wins and the platform's fills in: `own` in its order, then
    /// the platform's providers whose service `own` does not cover. Services no tenant can use
    /// yet (`CompanyDataProviderKind.isAvailable`) are left out, so an old Rusprofile key
    /// neither counts as a source nor hides anything.
    public static func perService(own: [CompanyDataProviderConfiguration], platform: [CompanyDataProviderConfiguration])
        -> [CompanyDataProviderConfiguration] {
        let usable = own.filter { $0.kind.isAvailable }
        let covered = Set(usable.map(\.kind))
        return usable + platform.filter { $0.kind.isAvailable && !covered.contains($0.kind) }
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
