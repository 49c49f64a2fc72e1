import Logging

/// The tenant's providers in order of preference: when one gives no answer, the next is asked.
/// The answer says which provider gave it (`LLMResponse.provider`). When all fail, the last
/// error is thrown.
public struct FallbackLLMClient: LLMClient {
    private let clients: [any LLMClient]
    private let shouldTryNext: @Sendable (LLMError) -> Bool
    private let logger: Logger?

    public init(clients: [any LLMClient],
                shouldTryNext: @escaping @Sendable (LLMError) -> Bool = { FallbackLLMClient.shouldTryNextByDefault(after: $0) },
                logger: Logger? = nil) {
        self.clients = clients
        self.shouldTryNext = shouldTryNext
        self.logger = logger
    }

    /// Everything a different provider may fix: an outage (after its own retries), an empty
    /// account, a revoked key, a refusal, a cut-off or malformed answer. Not a bad request: the
    /// request is the same for every provider, so a 400 is our bug and must surface rather than
    /// be paid for again elsewhere; nor the tenant's own local rate limit.
    public static func shouldTryNextByDefault(after error: LLMError) -> Bool {
        switch error {
        case .badRequest, .rateLimitedLocally: false
        default: true
        }
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        var lastError: LLMError = .notConfigured
        for (index, client) in clients.enumerated() {
            try Task.checkCancellation()
            do {
                return try await client.complete(request)
            } catch let error as LLMError {
                lastError = error
                guard index < clients.count - 1, shouldTryNext(error) else { throw error }
                logger?.notice("LLM provider gave no answer, trying the next one", metadata: [
                    "llm.outcome": "\(LLMCallOutcome(error: error).rawValue)",
                    "llm.fallback_index": "\(index + 1)",
                ])
            }
        }
        throw lastError
    }
}
