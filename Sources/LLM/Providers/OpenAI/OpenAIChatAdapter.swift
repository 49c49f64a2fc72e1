import AsyncHTTPClient
import Logging

/// OpenAI Chat Completions with strict structured output: the schema goes out as a
/// `json_schema` response format, so the model can only answer in its shape (an enum of the
/// tenant's categories stays an enum, whatever a message says).
public struct OpenAIChatAdapter: LLMClient {
    public let configuration: LLMProviderConfiguration
    private let transport: ProviderTransport

    public init(configuration: LLMProviderConfiguration, httpClient: HTTPClient,
                logger: Logger = Logger(label: "smartysales.llm.openai")) {
        self.configuration = configuration
        self.transport = ProviderTransport(provider: .openAI, configuration: configuration, httpClient: httpClient, logger: logger)
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let body = ChatCompletionRequest(
            model: configuration.model,
            messages: [.init(role: "system", content: request.system), .init(role: "user", content: request.user)],
            responseFormat: .object([
                "type": .string("json_schema"),
                "json_schema": .object([
                    "name": .string(request.schema.name),
                    "strict": .bool(true),
                    "schema": request.schema.schema,
                ]),
            ]),
            maxCompletionTokens: request.maxOutputTokens
        )
        let reply = try await transport.postJSON(
            to: configuration.endpoint("chat/completions"),
            headers: [("authorization", "Bearer \(configuration.apiKey)")],
            body: body
        )
        guard reply.isSuccess else {
            throw OpenAIFailureMapping.error(for: ProviderFailure(reply: reply, redactor: transport.redactor))
        }
        let completion = try reply.decode(ChatCompletionReply.self, provider: .openAI)
        guard let choice = completion.choices.first else {
            throw LLMError.malformedAnswer(provider: .openAI, message: "the reply has no choices")
        }
        if let refusal = choice.message?.refusal {
            throw LLMError.refused(provider: .openAI, message: transport.redactor.message(refusal))
        }
        switch choice.finishReason {
        case "length":
            throw LLMError.truncated(provider: .openAI)
        case "content_filter":
            throw LLMError.refused(provider: .openAI, message: "stopped by the content filter")
        default:
            break
        }
        let output = try StructuredAnswer.parse(choice.message?.content, provider: .openAI)
        return LLMResponse(provider: .openAI, model: completion.model ?? configuration.model, output: output,
                           usage: completion.usage?.llmUsage ?? LLMUsage())
    }
}
