/// OpenAI's error statuses as `LLMError`s (https://platform.openai.com/docs/guides/error-codes).
/// A 429 is two different things: `insufficient_quota` (the account is out of money — waiting
/// does not help, so never retried) or a rate limit (wait `retry-after-ms` and try again).
enum OpenAIFailureMapping {
    static func error(for failure: ProviderFailure) -> LLMError {
        let provider = LLMProviderKind.openAI
        let suggested: LLMError
        switch failure.status {
        case 429 where failure.errorCode == "insufficient_quota" || failure.errorType == "insufficient_quota":
            return .quotaExhausted(provider: provider, message: failure.message)
        case 401, 403:
            return .unauthorized(provider: provider, message: failure.message)
        case 408, 409, 429, 500...599:
            // 408/409 are retried by OpenAI's own SDKs: a timeout and a lock conflict.
            suggested = .transient(provider: provider, status: failure.status, message: failure.message, retryAfter: failure.retryAfter)
        default:
            // 400, 404, 413, 422 and anything unexpected: our request is at fault.
            suggested = .badRequest(provider: provider, status: failure.status, message: failure.message)
        }
        return failure.honouringShouldRetry(suggested)
    }
}
