import Domain
/// Why a provider call gave no usable answer. Messages come from the provider's reply after the
/// API key has been removed from them: an error, a log line or an audit event never carries it.
public enum CompanyDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The daily or paid quota is used up: DaData 403 "Feature 'SUGGESTIONS' disabled for
    /// token …", Checko 403 or `meta.status: "error"` with a limit message. Not worth retrying
    /// before the quota resets (DaData: midnight Moscow time).
    case quotaExhausted(provider: CompanyDataProviderKind, message: String)
    /// The key is missing, wrong or blocked.
    case unauthorized(provider: CompanyDataProviderKind, message: String)
    /// The provider knows no such company (where absence is an error rather than nil).
    case notFound(provider: CompanyDataProviderKind, message: String)
    /// 429 or 5xx: try again later, after `retryAfter` when the provider said.
    case transient(provider: CompanyDataProviderKind, status: Int, message: String, retryAfter: Duration?)
    /// The reply is not the documented format: not JSON, or JSON of another shape.
    case badResponse(provider: CompanyDataProviderKind, message: String)
    /// The provider refused the request itself (400, 404, 413, or an in-band error of that kind).
    case badRequest(provider: CompanyDataProviderKind, status: Int, message: String)
    /// No answer: a timeout, a refused or broken connection.
    case unreachable(provider: CompanyDataProviderKind, message: String)
    /// The provider cannot do this (see `CompanyDataProvider.capabilities`).
    case unsupported(provider: CompanyDataProviderKind, capability: CompanyDataCapability)
    /// The adapter cannot work with the configuration it was given.
    case notConfigured(provider: CompanyDataProviderKind, message: String)

    public var provider: CompanyDataProviderKind {
        switch self {
        case .quotaExhausted(let provider, _), .unauthorized(let provider, _), .notFound(let provider, _),
             .transient(let provider, _, _, _), .badResponse(let provider, _), .badRequest(let provider, _, _),
             .unreachable(let provider, _), .unsupported(let provider, _), .notConfigured(let provider, _):
            provider
        }
    }

    /// Worth another attempt later; everything else needs a person (a key, a payment, a fix).
    public var isRetryable: Bool {
        switch self {
        case .transient, .unreachable: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .quotaExhausted(let provider, let message): "\(provider.rawValue): quota exhausted: \(message)"
        case .unauthorized(let provider, let message): "\(provider.rawValue): the API key was refused: \(message)"
        case .notFound(let provider, let message): "\(provider.rawValue): not found: \(message)"
        case .transient(let provider, let status, let message, _): "\(provider.rawValue): temporary failure (HTTP \(status)): \(message)"
        case .badResponse(let provider, let message): "\(provider.rawValue): the reply is not in the documented format: \(message)"
        case .badRequest(let provider, let status, let message): "\(provider.rawValue): the request was refused (HTTP \(status)): \(message)"
        case .unreachable(let provider, let message): "\(provider.rawValue): unreachable: \(message)"
        case .unsupported(let provider, let capability): "\(provider.rawValue) does not support \(capability.rawValue)"
        case .notConfigured(let provider, let message): "\(provider.rawValue) is not configured: \(message)"
        }
    }
}

/// How one call ended, as a stable word for the audit trail.
public enum CompanyDataCallOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case ok
    case notFound = "not_found"
    case quotaExhausted = "quota_exhausted"
    case unauthorized
    case transient
    case badResponse = "bad_response"
    case badRequest = "bad_request"
    case unreachable
    case unsupported
    case notConfigured = "not_configured"
    case cancelled
    /// Anything that is not a `CompanyDataError` (a bug rather than a provider's answer).
    case failed

    public init(error: any Error) {
        switch error {
        case let error as CompanyDataError:
            switch error {
            case .quotaExhausted: self = .quotaExhausted
            case .unauthorized: self = .unauthorized
            case .notFound: self = .notFound
            case .transient: self = .transient
            case .badResponse: self = .badResponse
            case .badRequest: self = .badRequest
            case .unreachable: self = .unreachable
            case .unsupported: self = .unsupported
            case .notConfigured: self = .notConfigured
            }
        case is CancellationError:
            self = .cancelled
        default:
            self = .failed
        }
    }
}
