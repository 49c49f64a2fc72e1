import CompanyData
import Domain
import Foundation

/// The platform's company-data providers, from environment variables, for the services a tenant
/// has no key of its own for:
///
/// - `SMARTYSALES_DADATA_API_KEY`, `SMARTYSALES_DADATA_BASE_URL`
/// - `SMARTYSALES_CHECKO_API_KEY`, `SMARTYSALES_CHECKO_BASE_URL`
///
/// A provider is used when its key is set, DaData first (its free plan allows 10,000 calls a
/// day against Checko's hundred). Without a base URL the provider's public API is used; the
/// override exists for a proxy or a fake. A value type rather than a lookup at call time, so
/// tests hand in a dictionary and the process reads its environment once.
public struct CompanyDataPlatformDefaults: Sendable {
    public let configurations: [CompanyDataProviderConfiguration]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let providers: [(kind: CompanyDataProviderKind, prefix: String)] = [(.daData, "DADATA"), (.checko, "CHECKO")]
        var found: [CompanyDataProviderConfiguration] = []
        for (kind, prefix) in providers {
            func value(_ name: String) -> String? {
                let text = environment["SMARTYSALES_\(prefix)_\(name)"]?.trimmingCharacters(in: .whitespacesAndNewlines)
                return (text?.isEmpty ?? true) ? nil : text
            }
            guard let key = value("API_KEY") else { continue }
            found.append(CompanyDataProviderConfiguration(kind: kind, apiKey: key, baseURL: value("BASE_URL")))
        }
        configurations = found
    }

    /// These providers, as given (tests, benchmarks, a single-tenant install).
    public init(_ configurations: [CompanyDataProviderConfiguration]) {
        self.configurations = configurations
    }

    /// No platform providers: tenants without keys of their own get web search only.
    public static let none = CompanyDataPlatformDefaults([CompanyDataProviderConfiguration]())
}
