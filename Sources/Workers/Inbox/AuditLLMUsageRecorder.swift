import Foundation
import LLM
import Observability

/// Every LLM call as an `llm.call` audit event: provider, model, purpose, tokens, latency,
/// outcome and cost. Never the prompt, the answer or a key: `LLMUsageEvent` carries none of them,
/// and nothing else is copied in.
public struct AuditLLMUsageRecorder: LLMUsageRecorder {
    public static let eventKind = "llm.call"

    let sink: any AuditSink
    /// The tenant the calls are made for, when the event does not name it.
    let companyID: UUID?

    public init(sink: any AuditSink, companyID: UUID? = nil) {
        self.sink = sink
        self.companyID = companyID
    }

    public func record(_ event: LLMUsageEvent) async {
        var details: [String: String] = [
            "provider": event.provider.rawValue,
            "model": event.model,
            "purpose": event.purpose,
            // Token counts, under keys without "token": the audit masker hides values of those.
            "input": String(event.inputTokens),
            "output": String(event.outputTokens),
            "cached_input": String(event.cachedInputTokens),
            "outcome": event.outcome.rawValue,
        ]
        if event.webSearches > 0 { details["web_searches"] = String(event.webSearches) }
        if let cost = event.costMicros {
            details["cost_micros"] = String(cost)
            details["currency"] = event.currency
        }
        let latency = event.latency.components
        let milliseconds = Double(latency.seconds) * 1_000 + Double(latency.attoseconds) / 1e15
        await sink.record(AuditEvent(
            time: event.startedAt, kind: Self.eventKind, companyID: event.tenantID.flatMap(UUID.init(uuidString:)) ?? companyID,
            durationMs: milliseconds, details: details))
    }
}
