/// DeepSeek's documented error statuses (https://api-docs.deepseek.com/quick_start/error_codes):
/// 402 is an empty balance, 429 a rate limit, 500/503 a server in trouble.
enum DeepSeekFailureMapping {
    static func error(for failure: ProviderFailure) -> LLMError {
        let provider = LLMProviderKind.deepSeek
        let suggested: LLMError
        switch failure.status {
        case 402:
            return .quotaExhausted(provider: provider, message: failure.message)
        case 401, 403:
            return .unauthorized(provider: provider, message: failure.message)
        case 408, 429, 500...599:
            suggested = .transient(provider: provider, status: failure.status, message: failure.message, retryAfter: failure.retryAfter)
        default:
            // 400 invalid format, 422 invalid parameters.
            suggested = .badRequest(provider: provider, status: failure.status, message: failure.message)
        }
        return failure.honouringShouldRetry(suggested)
    }
}
