/// How one call ended, as a stable word for the audit trail and metrics.
public enum LLMCallOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case ok
    case transient
    case unreachable
    case quotaExhausted = "quota_exhausted"
    case unauthorized
    case badRequest = "bad_request"
    case refused
    case truncated
    case malformedAnswer = "malformed_answer"
    case rateLimitedLocally = "rate_limited_locally"
    case notConfigured = "not_configured"
    case cancelled
    /// Anything that is not an `LLMError` (a bug rather than a provider's answer).
    case failed

    public init(error: any Error) {
        switch error {
        case let error as LLMError:
            switch error {
            case .transient: self = .transient
            case .unreachable: self = .unreachable
            case .quotaExhausted: self = .quotaExhausted
            case .unauthorized: self = .unauthorized
            case .badRequest: self = .badRequest
            case .refused: self = .refused
            case .truncated: self = .truncated
            case .malformedAnswer: self = .malformedAnswer
            case .rateLimitedLocally: self = .rateLimitedLocally
            case .notConfigured: self = .notConfigured
            }
        case is CancellationError:
            self = .cancelled
        default:
            self = .failed
        }
    }
}
