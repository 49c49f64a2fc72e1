/// Anything that answers an `LLMRequest`: one provider adapter, or the reliable client that
/// wraps several with retries, limits, fallback and usage accounting. The classification engine
/// and the enrichment code depend on this protocol only.
public protocol LLMClient: Sendable {
    func complete(_ request: LLMRequest) async throws -> LLMResponse
}
