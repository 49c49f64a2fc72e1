import CompanyData
import LLM

/// What enrichment does about one source's error, with the source's own reason (English framing
/// around the provider's message): the `detail` of the `ProspectProblem` the client card shows.
///
/// - `retryLater`: an outage (5xx, 429, timeouts). The client waits as "enrichment pending" and
///   the job is retried with back-off; nothing is stored or charged meanwhile.
/// - `skip`: this source needs a person (a key refused, a quota used up, a provider we cannot
///   call). The other sources are still asked; only when every source was skipped does the
///   enrichment fail, with all the reasons.
/// - `unusable`: the source answered something that is not its documented format. Retrying will
///   not change it, and storing part of it could overwrite good data with garbage: the
///   enrichment fails and the client keeps what it had.
enum EnrichmentFailure: Sendable, Hashable {
    case retryLater(String)
    case skip(String)
    case unusable(String)

    init(_ error: CompanyDataError) {
        switch error {
        case .transient, .unreachable:
            self = .retryLater(error.description)
        case .badResponse:
            self = .unusable(error.description)
        case .quotaExhausted, .unauthorized, .notFound, .badRequest, .unsupported, .notConfigured:
            self = .skip(error.description)
        }
    }

    init(_ error: LLMError) {
        let text = Self.describe(error)
        switch error {
        case .transient, .unreachable, .rateLimitedLocally:
            self = .retryLater(text)
        case .truncated, .malformedAnswer:
            self = .unusable(text)
        case .quotaExhausted, .unauthorized, .badRequest, .refused, .notConfigured:
            self = .skip(text)
        }
    }

    var reason: String {
        switch self {
        case .retryLater(let reason), .skip(let reason), .unusable(let reason): reason
        }
    }

    /// `LLMError` has no description of its own; messages in it are already free of keys.
    static func describe(_ error: LLMError) -> String {
        switch error {
        case .transient(let provider, let status, let message, _):
            "web search (\(provider.rawValue)): temporary failure (HTTP \(status)): \(message)"
        case .unreachable(let provider, let message):
            "web search (\(provider.rawValue)): unreachable: \(message)"
        case .quotaExhausted(let provider, let message):
            "web search (\(provider.rawValue)): quota exhausted: \(message)"
        case .unauthorized(let provider, let message):
            "web search (\(provider.rawValue)): the API key was refused: \(message)"
        case .badRequest(let provider, let status, let message):
            "web search (\(provider.rawValue)): the request was refused (HTTP \(status)): \(message)"
        case .refused(let provider, let message):
            "web search (\(provider.rawValue)): the model declined: \(message)"
        case .truncated(let provider):
            "web search (\(provider.rawValue)): the answer was cut off at the output limit"
        case .malformedAnswer(let provider, let message):
            "web search (\(provider.rawValue)): the answer is not in the requested format: \(message)"
        case .rateLimitedLocally:
            "web search: the tenant's LLM rate limit is reached"
        case .notConfigured:
            "web search: no LLM provider is configured"
        }
    }
}
