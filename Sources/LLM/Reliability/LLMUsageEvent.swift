import Foundation

/// One provider call as the audit trail records it: who, which model, what for, how many
/// tokens, how long, how it ended, what it cost. Deliberately without the prompt, the answer or
/// any credential: the audit log is read by tenant admins and kept for months.
public struct LLMUsageEvent: Sendable, Hashable, Codable {
    public var tenantID: String?
    public var provider: LLMProviderKind
    public var model: String
    /// `LLMRequest.purpose`: classification, enrichment, outreach.
    public var purpose: String
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedInputTokens: Int
    public var webSearches: Int
    public var latency: Duration
    public var outcome: LLMCallOutcome
    /// Millionths of `currency`; nil when the price table does not know the model.
    public var costMicros: Int64?
    public var currency: String
    public var startedAt: Date

    public init(tenantID: String?, provider: LLMProviderKind, model: String, purpose: String, usage: LLMUsage,
                latency: Duration, outcome: LLMCallOutcome, costMicros: Int64?, currency: String, startedAt: Date) {
        self.tenantID = tenantID
        self.provider = provider
        self.model = model
        self.purpose = purpose
        self.inputTokens = usage.inputTokens
        self.outputTokens = usage.outputTokens
        self.cachedInputTokens = usage.cachedInputTokens
        self.webSearches = usage.webSearches
        self.latency = latency
        self.outcome = outcome
        self.costMicros = costMicros
        self.currency = currency
        self.startedAt = startedAt
    }
}
