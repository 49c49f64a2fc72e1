import AsyncHTTPClient
import Logging

/// OpenAI as one client: Chat Completions for plain structured output (cheaper, simpler), the
/// Responses API when the request searches the web or the configuration asks for it always.
public struct OpenAIAdapter: LLMClient {
    private let chat: OpenAIChatAdapter
    private let responses: OpenAIResponsesAdapter
    private let alwaysUsesResponses: Bool

    public init(configuration: LLMProviderConfiguration, httpClient: HTTPClient,
                logger: Logger = Logger(label: "smartysales.llm.openai")) {
        chat = OpenAIChatAdapter(configuration: configuration, httpClient: httpClient, logger: logger)
        responses = OpenAIResponsesAdapter(configuration: configuration, httpClient: httpClient, logger: logger)
        alwaysUsesResponses = configuration.useResponsesAPI
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        if alwaysUsesResponses || request.webSearch != nil {
            return try await responses.complete(request)
        }
        return try await chat.complete(request)
    }
}
