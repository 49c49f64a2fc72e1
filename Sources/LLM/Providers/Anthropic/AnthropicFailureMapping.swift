/// Anthropic's error statuses as `LLMError`s (https://docs.anthropic.com/en/api/errors):
/// 429 rate limit, 500 api_error and 529 overloaded back off and retry; 402 (billing) and the
/// 400 "credit balance is too low" are an empty account, not a bad request.
enum AnthropicFailureMapping {
    static func error(for failure: ProviderFailure) -> LLMError {
        let provider = LLMProviderKind.anthropic
        let suggested: LLMError
        switch failure.status {
        case 402:
            return .quotaExhausted(provider: provider, message: failure.message)
        case 400 where failure.message.lowercased().contains("credit balance"):
            return .quotaExhausted(provider: provider, message: failure.message)
        case 401, 403:
            return .unauthorized(provider: provider, message: failure.message)
        case 408, 409, 429, 500...599:
            suggested = .transient(provider: provider, status: failure.status, message: failure.message, retryAfter: failure.retryAfter)
        case _ where failure.errorType == "overloaded_error" || failure.errorType == "rate_limit_error":
            suggested = .transient(provider: provider, status: failure.status, message: failure.message, retryAfter: failure.retryAfter)
        default:
            // 400 invalid_request_error, 404 not_found_error, 413 request_too_large.
            suggested = .badRequest(provider: provider, status: failure.status, message: failure.message)
        }
        return failure.honouringShouldRetry(suggested)
    }
}
