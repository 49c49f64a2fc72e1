import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// The Anthropic adapter against the Anthropic fake: the forced `record` tool, prompt caching,
/// web search with citations and paused turns, and the error statuses.
@Suite struct AnthropicAdapterTests {
    typealias Fixtures = ProviderFixtures

    static func adapter(_ server: FakeAnthropicServer, apiKey: String = Fixtures.anthropicKey, maxContinuations: Int = 5) -> AnthropicAdapter {
        AnthropicAdapter(configuration: Fixtures.configuration(.anthropic, baseURL: server.baseURL, apiKey: apiKey),
                         httpClient: .shared, maxContinuations: maxContinuations)
    }

    @Test func theAnswerIsTheRecordToolsInput() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer))
            let response = try await Self.adapter(server).complete(Fixtures.request())
            #expect(response.provider == .anthropic)
            #expect(response.model == Fixtures.model(.anthropic))
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(response.usage.inputTokens > 0)
            #expect(response.usage.outputTokens > 0)
            #expect(response.usage.webSearches == 0)
        }
    }

    @Test func theRequestForcesTheToolAndMarksTheSystemPartForCaching() async throws {
        try await withFakeAnthropic { server in
            _ = try await Self.adapter(server).complete(Fixtures.request(maxOutputTokens: 700))
            let sent = try #require(server.script.receivedRequests.first)
            #expect(sent.path == "/v1/messages")
            #expect(sent.header("x-api-key") == Fixtures.anthropicKey)
            #expect(sent.header("anthropic-version") == "2023-06-01")
            #expect(sent.header("content-type") == "application/json")
            #expect(sent.header("authorization") == nil)
            let choice: FakeJSON = ["type": "tool", "name": "record"]
            #expect(sent.body?["tool_choice"] == choice)
            let tools = try #require(sent.body?["tools"]?.array)
            #expect(tools.count == 1)
            #expect(tools[0]["name"]?.string == "record")
            let categories: FakeJSON = ["lead", "invoice", "cv"]
            #expect(tools[0]["input_schema"]?["properties"]?["category"]?["enum"] == categories)
            let system = try #require(sent.body?["system"]?.array)
            #expect(system.count == 1)
            #expect(system[0]["text"]?.string == Fixtures.system)
            let ephemeral: FakeJSON = ["type": "ephemeral"]
            #expect(system[0]["cache_control"] == ephemeral)
            #expect(sent.body?["max_tokens"]?.int == 700)
            #expect(sent.user == Fixtures.user)
            #expect(!sent.rawBody.contains(Fixtures.anthropicKey))
            #expect(sent.headers.filter { $0.value.contains(Fixtures.anthropicKey) }.map(\.name) == ["x-api-key"])
        }
    }

    @Test func aRepeatedPrefixIsReadFromTheCacheAndCountedOnce() async throws {
        try await withFakeAnthropic { server in
            let adapter = Self.adapter(server)
            let first = try await adapter.complete(Fixtures.request(user: "same length message A"))
            let second = try await adapter.complete(Fixtures.request(user: "same length message B"))
            #expect(first.usage.cachedInputTokens == 0)
            #expect(second.usage.cachedInputTokens > 0)
            // Input is the whole prompt either way: uncached + written + read.
            #expect(second.usage.inputTokens == first.usage.inputTokens)
        }
    }

    @Test func webSearchLetsTheModelChooseAndCollectsTheSources() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer, citing: Fixtures.searchResults))
            let search = WebSearchOptions(allowedDomains: ["rusprofile.ru"], maxSearches: 3)
            let response = try await Self.adapter(server).complete(Fixtures.request(webSearch: search, purpose: "enrichment"))
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(response.citations == Fixtures.searchResults.map { LLMCitation(url: $0.url, title: $0.title) })
            #expect(response.usage.webSearches == 1)

            let sent = try #require(server.script.receivedRequests.first)
            let auto: FakeJSON = ["type": "auto"]
            #expect(sent.body?["tool_choice"] == auto)
            let searchTool: FakeJSON = [
                "type": "web_search_20250305",
                "name": "web_search",
                "max_uses": 3,
                "user_location": ["type": "approximate", "country": "RU"],
                "allowed_domains": ["rusprofile.ru"],
            ]
            #expect(sent.body?["tools"]?.array?.last == searchTool)
            #expect(sent.system.contains("`record`"))
        }
    }

    @Test func aPausedTurnIsSentBackAndContinued() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.pauseTurn(Fixtures.invoiceAnswer, citing: Fixtures.searchResults))
            let response = try await Self.adapter(server).complete(Fixtures.request(webSearch: WebSearchOptions()))
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(response.citations.map(\.url) == Fixtures.searchResults.map(\.url))
            #expect(response.usage.webSearches == 1)

            let requests = server.script.receivedRequests
            #expect(requests.count == 2)
            let messages = try #require(requests.last?.body?["messages"]?.array)
            #expect(messages.compactMap { $0["role"]?.string } == ["user", "assistant"])
            let pausedBlocks = try #require(messages[1]["content"]?.array)
            #expect(pausedBlocks.compactMap { $0["type"]?.string } == ["text", "server_tool_use", "web_search_tool_result"])
            // The paused turn goes back exactly as it came, encrypted fields included.
            let searchResult = try #require(pausedBlocks[2]["content"]?.array?.first)
            #expect(searchResult["encrypted_content"] != nil)
        }
    }

    @Test func pausesBeyondTheLimitAreMalformed() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.pauseTurn(Fixtures.invoiceAnswer, citing: Fixtures.searchResults))
            let error = await llmError { try await Self.adapter(server, maxContinuations: 0).complete(Fixtures.request(webSearch: WebSearchOptions())) }
            #expect(error?.outcome == .malformedAnswer)
            #expect(server.script.receivedRequests.count == 1)
        }
    }

    @Test func aFailedSearchIsNotFatal() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.searchError(code: "max_uses_exceeded", answer: Fixtures.invoiceAnswer))
            let response = try await Self.adapter(server).complete(Fixtures.request(webSearch: WebSearchOptions()))
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(response.citations.isEmpty)
        }
    }

    @Test func refusalTruncationAndATextAnswerAreErrors() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.refusal(), .truncated, .plainText("It is an invoice."))
            let adapter = Self.adapter(server)
            let refused = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(refused?.outcome == .refused)
            let truncated = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(truncated == .truncated(provider: .anthropic))
            let text = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(text?.outcome == .malformedAnswer)
        }
    }

    @Test func overloadAndRateLimitsAreTransientWithRetryAfter() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.overloaded(retryAfterSeconds: 3), .rateLimited(retryAfterMilliseconds: 2_000), .serverError)
            let adapter = Self.adapter(server)
            let overloaded = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(overloaded?.httpStatus == 529)
            #expect(overloaded?.retryAfter == .seconds(3))
            let limited = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(limited?.httpStatus == 429)
            #expect(limited?.retryAfter == .seconds(2))
            let internalError = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(internalError?.httpStatus == 500)
            #expect(internalError?.isRetryable == true)
        }
    }

    @Test func keyBillingAndRequestErrorsAreFinal() async throws {
        try await withFakeAnthropic { server in
            server.script.enqueue(.quotaExhausted, .badRequest("messages: roles must alternate"))
            let adapter = Self.adapter(server)
            let billing = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(billing?.outcome == .quotaExhausted)
            let bad = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(bad == .badRequest(provider: .anthropic, status: 400, message: "messages: roles must alternate"))
            let wrongKey = "sk-ant-test-wrong-000111222333"
            let unauthorized = await llmError { try await Self.adapter(server, apiKey: wrongKey).complete(Fixtures.request()) }
            #expect(unauthorized?.outcome == .unauthorized)
            #expect(!String(describing: unauthorized).contains(wrongKey))
        }
    }
}
