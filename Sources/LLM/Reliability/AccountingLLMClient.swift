import Foundation

/// Times each call to one provider and records it, answered or not, as an `LLMUsageEvent`
/// priced from the price table. Failed calls are recorded too (with no tokens: providers do
/// not report usage on errors), so the audit trail shows outages and refused keys.
public struct AccountingLLMClient: LLMClient {
    private let base: any LLMClient
    private let provider: LLMProviderKind
    private let model: String
    private let tenantID: String?
    private let recorder: any LLMUsageRecorder
    private let prices: LLMPriceTable
    private let clock: ElapsedTimeClock
    private let now: @Sendable () -> Date

    /// `provider` and `model` name the call when it fails; an answer names its own (the
    /// provider may report a dated model snapshot).
    public init(base: any LLMClient, provider: LLMProviderKind, model: String, tenantID: String?,
                recorder: any LLMUsageRecorder, prices: LLMPriceTable,
                clock: ElapsedTimeClock = .continuous, now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.provider = provider
        self.model = model
        self.tenantID = tenantID
        self.recorder = recorder
        self.prices = prices
        self.clock = clock
        self.now = now
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let startedAt = now()
        let start = clock.elapsed()
        do {
            let response = try await base.complete(request)
            await recorder.record(LLMUsageEvent(
                tenantID: tenantID, provider: response.provider, model: response.model, purpose: request.purpose,
                usage: response.usage, latency: clock.elapsed() - start, outcome: .ok,
                costMicros: prices.costMicros(model: response.model, usage: response.usage), currency: prices.currency,
                startedAt: startedAt
            ))
            return response
        } catch {
            await recorder.record(LLMUsageEvent(
                tenantID: tenantID, provider: provider, model: model, purpose: request.purpose,
                usage: LLMUsage(), latency: clock.elapsed() - start, outcome: LLMCallOutcome(error: error),
                costMicros: prices.price(for: model) == nil ? nil : 0, currency: prices.currency,
                startedAt: startedAt
            ))
            throw error
        }
    }
}
