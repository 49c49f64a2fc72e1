import LLM

/// Counts, with `TokenEstimate`, what every call the engine makes would cost: the request as
/// sent (system part, user part, schema, framing) and the answer that came back.
actor TokenTally {
    private(set) var calls = 0
    private(set) var inputTokens = 0
    private(set) var outputTokens = 0
    /// The part of the input that is the same in every call (the system part): what a
    /// provider's prompt cache can serve.
    private(set) var systemTokens = 0

    func record(_ request: LLMRequest, answer: JSONValue) {
        calls += 1
        inputTokens += TokenEstimate.tokens(in: request)
        outputTokens += TokenEstimate.tokens(in: answer)
        systemTokens += TokenEstimate.tokens(in: request.system)
    }
}

/// Passes calls through and records each in a `TokenTally`.
struct CountingClient: LLMClient {
    let inner: any LLMClient
    let tally: TokenTally

    func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let response = try await inner.complete(request)
        await tally.record(request, answer: response.output)
        return response
    }
}
