import Foundation

/// Why a call gave no usable answer. `isRetryable` drives the retry loop; everything else is
/// final for this provider (the fallback order may still try the next one).
public enum LLMError: Error, Sendable, Hashable {
    /// 429 rate limit, 5xx, Anthropic 529 overloaded: try again after `retryAfter` when the
    /// server said (retry-after-ms / retry-after), otherwise after our backoff.
    case transient(provider: LLMProviderKind, status: Int, message: String, retryAfter: Duration?)
    /// A timeout or a broken connection.
    case unreachable(provider: LLMProviderKind, message: String)
    /// Exhausted quota, spend limit, insufficient balance (OpenAI 429 `insufficient_quota`,
    /// DeepSeek 402, Anthropic 402): never retried.
    case quotaExhausted(provider: LLMProviderKind, message: String)
    /// 401/403: the key is wrong or lacks permission.
    case unauthorized(provider: LLMProviderKind, message: String)
    /// 400/404/413/422: our request is wrong; retrying cannot help.
    case badRequest(provider: LLMProviderKind, status: Int, message: String)
    /// The model declined (`message.refusal`).
    case refused(provider: LLMProviderKind, message: String)
    /// `finish_reason: length` / `stop_reason: max_tokens`: the JSON is cut off.
    case truncated(provider: LLMProviderKind)
    /// The answer is blank, not JSON, or not the shape the schema asked for. DeepSeek's blank
    /// answers are retried by its adapter before this is thrown.
    case malformedAnswer(provider: LLMProviderKind, message: String)
    /// The tenant's concurrency or per-minute limit would be exceeded and the caller asked not
    /// to wait.
    case rateLimitedLocally
    /// No provider is configured for the tenant.
    case notConfigured

    public var isRetryable: Bool {
        switch self {
        case .transient, .unreachable: true
        default: false
        }
    }
}
