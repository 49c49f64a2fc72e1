import AsyncHTTPClient
import Foundation
import Logging

/// DeepSeek's OpenAI-compatible Chat Completions in JSON mode. JSON mode guarantees JSON, not
/// our schema: the schema is shown in the system part (which must mention "json" anyway) and
/// the answer's required keys are checked on arrival. DeepSeek sometimes answers blank content
/// with `finish_reason: stop`; that is asked again here, a bounded number of times, before it
/// counts as a malformed answer.
public struct DeepSeekAdapter: LLMClient {
    public let configuration: LLMProviderConfiguration
    private let transport: ProviderTransport
    private let blankAnswerRetries: Int

    /// `blankAnswerRetries`: extra calls after a blank answer.
    public init(configuration: LLMProviderConfiguration, httpClient: HTTPClient, blankAnswerRetries: Int = 2,
                logger: Logger = Logger(label: "smartysales.llm.deepseek")) {
        self.configuration = configuration
        self.transport = ProviderTransport(provider: .deepSeek, configuration: configuration, httpClient: httpClient, logger: logger)
        self.blankAnswerRetries = max(0, blankAnswerRetries)
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let body = ChatCompletionRequest(
            model: configuration.model,
            messages: [.init(role: "system", content: Self.systemPrompt(for: request)), .init(role: "user", content: request.user)],
            responseFormat: .object(["type": .string("json_object")]),
            maxTokens: request.maxOutputTokens
        )
        var usage = LLMUsage()
        for _ in 0...blankAnswerRetries {
            let completion = try await send(body)
            // Every call is billed, blank ones included.
            usage = usage + (completion.usage?.llmUsage ?? LLMUsage())
            guard let choice = completion.choices.first else {
                throw LLMError.malformedAnswer(provider: .deepSeek, message: "the reply has no choices")
            }
            if choice.finishReason == "length" {
                throw LLMError.truncated(provider: .deepSeek)
            }
            let content = choice.message?.content ?? ""
            if content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                try Task.checkCancellation()
                continue
            }
            let output = try StructuredAnswer.parse(content, provider: .deepSeek)
            try StructuredAnswer.checkRequiredKeys(of: output, schema: request.schema.schema, provider: .deepSeek)
            return LLMResponse(provider: .deepSeek, model: completion.model ?? configuration.model, output: output, usage: usage)
        }
        throw LLMError.malformedAnswer(provider: .deepSeek, message: "the answer was blank \(blankAnswerRetries + 1) times")
    }

    /// The caller's system part, then the schema as stable bytes (sorted keys), so the whole
    /// system message stays one cacheable prefix.
    static func systemPrompt(for request: LLMRequest) -> String {
        request.system + "\n\nAnswer with one JSON object matching this JSON schema: " + request.schema.schema.encodedString()
    }

    private func send(_ body: ChatCompletionRequest) async throws -> ChatCompletionReply {
        var reply = try await transport.postJSON(
            to: configuration.endpoint("chat/completions"),
            headers: [("authorization", "Bearer \(configuration.apiKey)")],
            body: body
        )
        guard reply.isSuccess else {
            throw DeepSeekFailureMapping.error(for: ProviderFailure(reply: reply, redactor: transport.redactor))
        }
        // While a request waits in DeepSeek's queue the server keeps the connection alive with
        // blank lines before the JSON body.
        reply.body = Data(reply.body.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }))
        return try reply.decode(ChatCompletionReply.self, provider: .deepSeek)
    }
}
