import AsyncHTTPClient
import Logging

/// Anthropic Messages with structured output by a tool: the schema is the `input_schema` of a
/// tool named `record`, and the answer is that tool call's `input`.
///
/// Without web search the tool is forced (`tool_choice` names it). With web search it cannot be:
/// forcing a tool rules out the server's `web_search` tool, so the choice is `auto` and the
/// system part tells the model to finish by calling `record`. A long search may stop with
/// `pause_turn`; the turn is then sent back as it came so the model can go on, a bounded number
/// of times.
public struct AnthropicAdapter: LLMClient {
    static let apiVersion = "2023-06-01"
    static let recordToolName = "record"
    static let recordInstruction = "When you have the answer, call the `record` tool exactly once with the complete answer. Do not answer in text."

    public let configuration: LLMProviderConfiguration
    private let transport: ProviderTransport
    private let maxContinuations: Int

    /// `maxContinuations`: how many times a `pause_turn` is continued before giving up.
    public init(configuration: LLMProviderConfiguration, httpClient: HTTPClient, maxContinuations: Int = 5,
                logger: Logger = Logger(label: "smartysales.llm.anthropic")) {
        self.configuration = configuration
        self.transport = ProviderTransport(provider: .anthropic, configuration: configuration, httpClient: httpClient, logger: logger)
        self.maxContinuations = maxContinuations
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        var messages = [AnthropicMessagesRequest.Message(role: "user", content: .string(request.user))]
        var usage = LLMUsage()
        var citations = CitationList()
        var continuations = 0

        while true {
            let reply = try await send(Self.body(for: request, model: configuration.model, messages: messages))
            usage = usage + (reply.usage?.llmUsage ?? LLMUsage())
            Self.collectCitations(from: reply.content, into: &citations)

            switch reply.stopReason {
            case "refusal":
                throw LLMError.refused(provider: .anthropic, message: "the model declined to answer")
            case "max_tokens":
                throw LLMError.truncated(provider: .anthropic)
            case "pause_turn":
                guard continuations < maxContinuations else {
                    throw LLMError.malformedAnswer(provider: .anthropic, message: "the turn was still paused after \(continuations) continuations")
                }
                continuations += 1
                messages.append(.init(role: "assistant", content: .array(reply.content)))
                continue
            default:
                break
            }

            guard let record = reply.content.first(where: Self.isRecordCall), let input = record["input"] else {
                throw LLMError.malformedAnswer(provider: .anthropic, message: "the reply has no `\(Self.recordToolName)` tool call")
            }
            return LLMResponse(provider: .anthropic, model: reply.model ?? configuration.model, output: input,
                               citations: citations.citations, usage: usage)
        }
    }

    private func send(_ body: AnthropicMessagesRequest) async throws -> AnthropicMessagesReply {
        let reply = try await transport.postJSON(
            to: configuration.endpoint("messages"),
            headers: [("x-api-key", configuration.apiKey), ("anthropic-version", Self.apiVersion)],
            body: body
        )
        guard reply.isSuccess else {
            throw AnthropicFailureMapping.error(for: ProviderFailure(reply: reply, redactor: transport.redactor))
        }
        return try reply.decode(AnthropicMessagesReply.self, provider: .anthropic)
    }

    static func body(for request: LLMRequest, model: String, messages: [AnthropicMessagesRequest.Message]) -> AnthropicMessagesRequest {
        let recordTool: JSONValue = .object([
            "name": .string(recordToolName),
            "description": .string("Record the answer: its input must match the schema exactly."),
            "input_schema": request.schema.schema,
        ])
        let ephemeral: JSONValue = .object(["type": .string("ephemeral")])
        guard let search = request.webSearch else {
            return AnthropicMessagesRequest(
                model: model, maxTokens: request.maxOutputTokens,
                system: [.init(text: request.system, cacheControl: ephemeral)],
                messages: messages, tools: [recordTool],
                toolChoice: .object(["type": .string("tool"), "name": .string(recordToolName)])
            )
        }
        return AnthropicMessagesRequest(
            model: model, maxTokens: request.maxOutputTokens,
            system: [.init(text: request.system + "\n\n" + recordInstruction, cacheControl: ephemeral)],
            messages: messages, tools: [recordTool, webSearchTool(search)],
            toolChoice: .object(["type": .string("auto")])
        )
    }

    static func webSearchTool(_ options: WebSearchOptions) -> JSONValue {
        var tool: [String: JSONValue] = [
            "type": .string("web_search_20250305"),
            "name": .string("web_search"),
            "max_uses": .number(Double(max(1, options.maxSearches))),
        ]
        if let country = options.country {
            tool["user_location"] = .object(["type": .string("approximate"), "country": .string(country)])
        }
        if !options.allowedDomains.isEmpty {
            tool["allowed_domains"] = .array(options.allowedDomains.map(JSONValue.string))
        }
        return .object(tool)
    }

    static func isRecordCall(_ block: JSONValue) -> Bool {
        block["type"]?.stringValue == "tool_use" && block["name"]?.stringValue == recordToolName
    }

    /// Search results (`web_search_tool_result`) and the passages the text cites
    /// (`web_search_result_location`). A `web_search_tool_result_error` (max_uses_exceeded,
    /// too_many_requests, unavailable, …) has no results and is not fatal: the model may still
    /// answer from what it found before.
    static func collectCitations(from content: [JSONValue], into citations: inout CitationList) {
        for block in content {
            switch block["type"]?.stringValue {
            case "web_search_tool_result":
                for result in block["content"]?.arrayValue ?? [] where result["type"]?.stringValue == "web_search_result" {
                    citations.add(url: result["url"]?.stringValue, title: result["title"]?.stringValue)
                }
            case "text":
                for citation in block["citations"]?.arrayValue ?? [] where citation["type"]?.stringValue == "web_search_result_location" {
                    citations.add(url: citation["url"]?.stringValue, title: citation["title"]?.stringValue)
                }
            default:
                continue
            }
        }
    }
}
