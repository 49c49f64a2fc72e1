import Foundation

/// A tenant's LLM calls over a period, summed per provider, model and purpose from the details
/// of the `llm.call` events `AuditLLMUsageRecorder` writes (the only record of them: the audit
/// trail is the ledger). Events with unreadable figures count as calls with no tokens.
public struct LLMUsageSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let provider: String
        public let model: String
        public let purpose: String
        public var calls = 0
        /// Calls that gave no answer (any outcome but `ok`).
        public var failures = 0
        public var inputTokens = 0
        public var outputTokens = 0
        /// Input tokens served from the provider's prompt cache (part of `inputTokens`).
        public var cachedInputTokens = 0
        /// Millionths of each currency the price table used.
        public var costMicros: [String: Int64] = [:]
        /// Answered calls whose model the price table did not know: their cost is missing.
        public var unpricedCalls = 0

        public init(provider: String, model: String, purpose: String) {
            self.provider = provider
            self.model = model
            self.purpose = purpose
        }

        mutating func add(_ details: [String: String]) {
            calls += 1
            let answered = details["outcome"] == "ok"
            if !answered { failures += 1 }
            inputTokens += Self.count(details["input"])
            outputTokens += Self.count(details["output"])
            cachedInputTokens += Self.count(details["cached_input"])
            if let cost = details["cost_micros"].flatMap({ Int64($0) }) {
                costMicros[details["currency"] ?? "", default: 0] += cost
            } else if answered {
                unpricedCalls += 1
            }
        }

        mutating func add(_ other: Row) {
            calls += other.calls
            failures += other.failures
            inputTokens += other.inputTokens
            outputTokens += other.outputTokens
            cachedInputTokens += other.cachedInputTokens
            costMicros.merge(other.costMicros, uniquingKeysWith: +)
            unpricedCalls += other.unpricedCalls
        }

        private static func count(_ text: String?) -> Int {
            max(0, text.flatMap { Int($0) } ?? 0)
        }
    }

    /// By provider, then model, then purpose.
    public let rows: [Row]
    /// Everything together (provider, model and purpose empty).
    public let total: Row

    /// `details`: the `llm.call` events' details, e.g. from `AuditRepository.details(ofKind:…)`.
    public init(details: [[String: String]]) {
        var byKey: [String: Row] = [:]
        for event in details {
            let provider = event["provider"] ?? "", model = event["model"] ?? "", purpose = event["purpose"] ?? ""
            let key = [provider, model, purpose].joined(separator: "\u{1F}")
            byKey[key, default: Row(provider: provider, model: model, purpose: purpose)].add(event)
        }
        rows = byKey.values.sorted { ($0.provider, $0.model, $0.purpose) < ($1.provider, $1.model, $1.purpose) }
        var total = Row(provider: "", model: "", purpose: "")
        for row in rows { total.add(row) }
        self.total = total
    }
}
