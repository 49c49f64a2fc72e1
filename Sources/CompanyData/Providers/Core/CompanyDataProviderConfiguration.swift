import AsyncHTTPClient
import Domain
import Logging

/// How to reach one provider for one tenant: what the settings page stores (the key sealed at
/// rest) or the platform default, turned into an adapter by `makeProvider`.
///
/// The key is a secret: `description`, `debugDescription` and the mirror leave it out, so
/// logging a configuration cannot leak it.
public struct CompanyDataProviderConfiguration: Sendable {
    public var kind: CompanyDataProviderKind
    public var apiKey: String
    /// Without a trailing slash, e.g. `https://api.checko.ru/v2`; adapters append the endpoint.
    public var baseURL: String
    /// The whole exchange, connection to last byte.
    public var requestTimeout: Duration
    /// Larger replies are refused rather than buffered.
    public var maxResponseBytes: Int
    /// Put on the usage events, for the audit trail.
    public var tenantID: String?

    public init(kind: CompanyDataProviderKind, apiKey: String, baseURL: String? = nil, requestTimeout: Duration = .seconds(15),
                maxResponseBytes: Int = 4 << 20, tenantID: String? = nil) {
        self.kind = kind
        self.apiKey = apiKey
        self.baseURL = baseURL ?? Self.defaultBaseURL(for: kind)
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tenantID = tenantID
    }

    public static func defaultBaseURL(for kind: CompanyDataProviderKind) -> String {
        switch kind {
        case .daData: DaDataProvider.defaultBaseURL
        case .checko: CheckoProvider.defaultBaseURL
        case .rusprofile: RusprofileProvider.defaultBaseURL
        case .apiFNS: APIFNSProvider.defaultBaseURL
        }
    }

    /// The adapter for `kind`. `httpClient` is the application's shared client: adapters never
    /// create or shut one down.
    public func makeProvider(httpClient: HTTPClient, usageRecorder: (any CompanyDataUsageRecorder)? = nil,
                             logger: Logger = Logger(label: "smartysales.company-data")) -> any CompanyDataProvider {
        switch kind {
        case .daData: return DaDataProvider(configuration: self, httpClient: httpClient, usageRecorder: usageRecorder, logger: logger)
        case .checko: return CheckoProvider(configuration: self, httpClient: httpClient, usageRecorder: usageRecorder, logger: logger)
        case .rusprofile: return RusprofileProvider(configuration: self)
        case .apiFNS: return APIFNSProvider(configuration: self, httpClient: httpClient, usageRecorder: usageRecorder, logger: logger)
        }
    }

    /// `baseURL` joined with an endpoint path, whatever slashes either side carries.
    func endpoint(_ path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + String(path.drop(while: { $0 == "/" }))
    }
}

extension CompanyDataProviderConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(kind.rawValue) at \(baseURL)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "kind": kind, "baseURL": baseURL, "apiKey": "[redacted]", "requestTimeout": requestTimeout,
            "maxResponseBytes": maxResponseBytes, "tenantID": tenantID as Any,
        ])
    }
}
