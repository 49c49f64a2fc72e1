import Domain

/// Rusprofile, as a place for its business API to plug in. UNVERIFIED: Rusprofile publishes no
/// API documentation; its business API is available under contract only, so nothing here
/// could be checked against a wire format: no endpoint, no authentication scheme, no field
/// names. Until a contract supplies them the adapter advertises no capabilities and every
/// call throws `CompanyDataError.notConfigured` without touching the network, so a tenant
/// who picks Rusprofile sees a clear "not configured" rather than invented data.
///
/// It exists so configuration can name Rusprofile (`CompanyDataProviderKind.rusprofile`) and
/// the provider choice, settings page and audit trail treat it like the others. Implementing it
/// means: the endpoints and key scheme from the contract, a fake in ProviderFakes speaking that
/// format, and the capabilities it then really has.
public struct RusprofileProvider: CompanyDataProvider {
    /// Empty: there is no public endpoint. A contract's URL goes into the configuration.
    public static let defaultBaseURL = ""

    public let kind = CompanyDataProviderKind.rusprofile
    public let capabilities: Set<CompanyDataCapability> = []
    private let configuration: CompanyDataProviderConfiguration

    public init(configuration: CompanyDataProviderConfiguration) {
        self.configuration = configuration
    }

    public func findByINN(_ number: RussianCompanyNumber) async throws -> CompanyRecord? {
        throw notConfigured
    }

    public func search(_ query: CompanySearchQuery) async throws -> CompanySearchPage {
        throw notConfigured
    }

    public func finances(inn: RussianCompanyNumber) async throws -> CompanyFinances {
        throw notConfigured
    }

    private var notConfigured: CompanyDataError {
        let endpoint = configuration.baseURL.isEmpty ? "no endpoint is configured" : "an endpoint is configured"
        return .notConfigured(provider: kind,
                              message: "the Rusprofile business API is contract-only and its wire format is not implemented (\(endpoint))")
    }
}
