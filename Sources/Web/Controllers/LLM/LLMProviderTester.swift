import AsyncHTTPClient
import Foundation
import LLM
import Observability
import Workers

/// The answer to "Test" on the LLM settings page, in terms the page turns into plain words.
struct LLMProviderCheck: Sendable, Equatable {
    /// `nil`: the provider answered in the shape asked for. Otherwise how the call ended; each
    /// has a sentence (`llm_problem_<raw value>`).
    var problem: LLMCallOutcome?
    /// The provider's own words (or the transport's), for whoever looks after the account;
    /// never the key.
    var detail: String
    /// The model the provider says answered (it may name a dated snapshot).
    var model: String?

    var succeeded: Bool { problem == nil }
}

/// Makes one tiny structured call through the provider's real adapter, as classification
/// would, so a wrong key, an exhausted quota, a mistyped model or an unreachable base URL shows
/// up on the form rather than in the night's classify jobs. The call is a real one and costs a
/// few tokens, so it is recorded as an `llm.call` event of the tenant like every other.
struct LLMProviderTester: Sendable {
    var httpClient: HTTPClient = .shared
    /// Someone is waiting at the form: fail fast rather than hold the page for two minutes.
    var requestTimeout: Duration = .seconds(20)

    static let purpose = "connection_test"

    /// The smallest strict-schema question there is.
    static let request = LLMRequest(
        system: "You check that an API connection works. Answer with the JSON object the schema asks for.",
        user: "Set ok to true.",
        schema: LLMSchema(name: "connection_check", schema: .object([
            "type": .string("object"),
            "properties": .object(["ok": .object(["type": .string("boolean")])]),
            "required": .array([.string("ok")]),
            "additionalProperties": .bool(false),
        ])),
        // Room for reasoning models, which think before they answer; a short answer costs only what it uses.
        maxOutputTokens: 512,
        purpose: purpose)

    /// Never throws: every failure is an answer for the person at the form.
    func test(_ configuration: LLMProviderConfiguration, companyID: UUID, audit: any AuditSink) async -> LLMProviderCheck {
        var configuration = configuration
        configuration.requestTimeout = requestTimeout
        let client = AccountingLLMClient(
            base: configuration.makeAdapter(httpClient: httpClient), provider: configuration.kind, model: configuration.model,
            tenantID: companyID.uuidString, recorder: AuditLLMUsageRecorder(sink: audit, companyID: companyID), prices: LLMPriceTable())
        do {
            let response = try await client.complete(Self.request)
            return LLMProviderCheck(problem: nil, detail: "", model: response.model)
        } catch {
            let detail = Self.detail(of: error)
            let hidden = configuration.apiKey.isEmpty ? detail : detail.replacingOccurrences(of: configuration.apiKey, with: "***")
            return LLMProviderCheck(problem: LLMCallOutcome(error: error), detail: hidden, model: nil)
        }
    }

    /// The technical line under the sentence: the status and the provider's message.
    static func detail(of error: any Error) -> String {
        guard let error = error as? LLMError else { return String(describing: error) }
        switch error {
        case .transient(_, let status, let message, _), .badRequest(_, let status, let message):
            return "HTTP \(status): \(message)"
        case .unreachable(_, let message), .quotaExhausted(_, let message), .unauthorized(_, let message),
             .refused(_, let message), .malformedAnswer(_, let message):
            return message
        case .truncated, .rateLimitedLocally, .notConfigured:
            return ""
        }
    }
}
