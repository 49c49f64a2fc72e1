/// Holds one of the tenant's limiter slots for the whole call (retries and fallback included),
/// so the limits count logical requests, not attempts.
public struct LimitedLLMClient: LLMClient {
    private let base: any LLMClient
    private let limiter: TenantRateLimiter
    private let tenantKey: String
    private let waitIfBusy: Bool

    public init(base: any LLMClient, limiter: TenantRateLimiter, tenantKey: String, waitIfBusy: Bool = true) {
        self.base = base
        self.limiter = limiter
        self.tenantKey = tenantKey
        self.waitIfBusy = waitIfBusy
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        try await limiter.acquire(tenant: tenantKey, waitIfBusy: waitIfBusy)
        do {
            let response = try await base.complete(request)
            await limiter.release(tenant: tenantKey)
            return response
        } catch {
            await limiter.release(tenant: tenantKey)
            throw error
        }
    }
}
