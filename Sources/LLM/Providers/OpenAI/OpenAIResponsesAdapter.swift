import AsyncHTTPClient
import Logging

/// OpenAI Responses: structured output like Chat Completions, plus the hosted `web_search` tool
/// for enrichment. The answer is the `message` item's `output_text`; its `url_citation`
/// annotations are the sources, and every `web_search_call` item is one paid search.
public struct OpenAIResponsesAdapter: LLMClient {
    public let configuration: LLMProviderConfiguration
    private let transport: ProviderTransport

    public init(configuration: LLMProviderConfiguration, httpClient: HTTPClient,
                logger: Logger = Logger(label: "smartysales.llm.openai")) {
        self.configuration = configuration
        self.transport = ProviderTransport(provider: .openAI, configuration: configuration, httpClient: httpClient, logger: logger)
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let body = ResponsesRequest(
            model: configuration.model,
            instructions: request.system,
            input: request.user,
            tools: request.webSearch.map { [Self.webSearchTool($0)] },
            text: .object(["format": .object([
                "type": .string("json_schema"),
                "name": .string(request.schema.name),
                "strict": .bool(true),
                "schema": request.schema.schema,
            ])]),
            maxOutputTokens: request.maxOutputTokens
        )
        let reply = try await transport.postJSON(
            to: configuration.endpoint("responses"),
            headers: [("authorization", "Bearer \(configuration.apiKey)")],
            body: body
        )
        guard reply.isSuccess else {
            throw OpenAIFailureMapping.error(for: ProviderFailure(reply: reply, redactor: transport.redactor))
        }
        let response = try reply.decode(ResponsesReply.self, provider: .openAI)
        try Self.checkStatus(of: response, httpStatus: reply.status, redactor: transport.redactor)

        let items = response.output ?? []
        let parts = items.first(where: { $0.type == "message" })?.content ?? []
        if let refusal = parts.first(where: { $0.type == "refusal" }) {
            throw LLMError.refused(provider: .openAI, message: transport.redactor.message(refusal.refusal ?? "refused"))
        }
        let textParts = parts.filter { $0.type == "output_text" }
        let output = try StructuredAnswer.parse(textParts.compactMap(\.text).joined(), provider: .openAI)

        var citations = CitationList()
        for annotation in textParts.flatMap({ $0.annotations ?? [] }) where annotation.type == "url_citation" {
            citations.add(url: annotation.url, title: annotation.title)
        }
        let usage = LLMUsage(
            inputTokens: response.usage?.inputTokens ?? 0,
            outputTokens: response.usage?.outputTokens ?? 0,
            cachedInputTokens: response.usage?.inputTokensDetails?.cachedTokens ?? 0,
            webSearches: items.filter { $0.type == "web_search_call" }.count
        )
        return LLMResponse(provider: .openAI, model: response.model ?? configuration.model, output: output,
                           citations: citations.citations, usage: usage)
    }

    /// `{"type":"web_search"}` with the domain filter only when there is one (an empty
    /// `allowed_domains` list is refused) and the country as an approximate user location.
    static func webSearchTool(_ options: WebSearchOptions) -> JSONValue {
        var tool: [String: JSONValue] = ["type": .string("web_search")]
        if !options.allowedDomains.isEmpty {
            tool["filters"] = .object(["allowed_domains": .array(options.allowedDomains.map(JSONValue.string))])
        }
        if let country = options.country {
            tool["user_location"] = .object(["type": .string("approximate"), "country": .string(country)])
        }
        return .object(tool)
    }

    /// A 200 can still carry a failed or cut-off response.
    private static func checkStatus(of response: ResponsesReply, httpStatus: Int, redactor: SecretRedactor) throws {
        switch response.status {
        case "incomplete":
            switch response.incompleteDetails?.reason {
            case "max_output_tokens": throw LLMError.truncated(provider: .openAI)
            case "content_filter": throw LLMError.refused(provider: .openAI, message: "stopped by the content filter")
            case let reason: throw LLMError.malformedAnswer(provider: .openAI, message: "the response is incomplete (\(reason ?? "no reason given"))")
            }
        case "failed":
            let message = redactor.message(response.error?.message ?? response.error?.code ?? "the response failed")
            throw LLMError.transient(provider: .openAI, status: httpStatus, message: message, retryAfter: nil)
        default:
            return
        }
    }
}
