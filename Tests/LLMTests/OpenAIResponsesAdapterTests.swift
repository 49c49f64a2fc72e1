import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// The Responses adapter (web search) and the OpenAI adapter's choice between the two APIs.
@Suite struct OpenAIResponsesAdapterTests {
    typealias Fixtures = ProviderFixtures

    static func configuration(_ server: FakeOpenAIServer, useResponsesAPI: Bool = false) -> LLMProviderConfiguration {
        Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey, useResponsesAPI: useResponsesAPI)
    }

    @Test func aWebSearchAnswerCarriesItsSourcesAndSearchCount() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer, citing: Fixtures.searchResults))
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            let search = WebSearchOptions(allowedDomains: ["rusprofile.ru", "romashka.ru"], maxSearches: 3)
            let response = try await adapter.complete(Fixtures.request(webSearch: search, purpose: "enrichment"))
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(response.citations == Fixtures.searchResults.map { LLMCitation(url: $0.url, title: $0.title) })
            #expect(response.usage.webSearches == 1)
            #expect(response.usage.inputTokens > 0)
        }
    }

    @Test func theRequestNamesTheToolTheFormatAndTheLimit() async throws {
        try await withFakeOpenAI { server in
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            let search = WebSearchOptions(allowedDomains: ["rusprofile.ru"], maxSearches: 3, country: "RU")
            _ = try await adapter.complete(Fixtures.request(webSearch: search, maxOutputTokens: 900))
            let sent = try #require(server.script.receivedRequests.first)
            #expect(sent.path == "/v1/responses")
            #expect(sent.header("authorization") == "Bearer \(Fixtures.openAIKey)")
            let tool: FakeJSON = [
                "type": "web_search",
                "filters": ["allowed_domains": ["rusprofile.ru"]],
                "user_location": ["type": "approximate", "country": "RU"],
            ]
            #expect(sent.body?["tools"] == FakeJSON.array([tool]))
            let format = try #require(sent.body?["text"]?["format"])
            #expect(format["type"]?.string == "json_schema")
            #expect(format["name"]?.string == "classification")
            #expect(format["strict"]?.bool == true)
            #expect(sent.body?["instructions"]?.string == Fixtures.system)
            #expect(sent.body?["input"]?.string == Fixtures.user)
            #expect(sent.body?["max_output_tokens"]?.int == 900)
            #expect(!sent.rawBody.contains(Fixtures.openAIKey))
        }
    }

    @Test func noDomainsMeansNoFilter() async throws {
        try await withFakeOpenAI { server in
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            _ = try await adapter.complete(Fixtures.request(webSearch: WebSearchOptions(country: nil)))
            let sent = try #require(server.script.receivedRequests.first)
            let tool: FakeJSON = ["type": "web_search"]
            #expect(sent.body?["tools"] == FakeJSON.array([tool]))
        }
    }

    @Test func theOpenAIAdapterSearchesThroughResponsesOnly() async throws {
        try await withFakeOpenAI { server in
            let plain = OpenAIAdapter(configuration: Self.configuration(server), httpClient: .shared)
            _ = try await plain.complete(Fixtures.request())
            _ = try await plain.complete(Fixtures.request(webSearch: WebSearchOptions()))
            let always = OpenAIAdapter(configuration: Self.configuration(server, useResponsesAPI: true), httpClient: .shared)
            _ = try await always.complete(Fixtures.request())
            #expect(server.script.receivedRequests.map(\.path) == ["/v1/chat/completions", "/v1/responses", "/v1/responses"])
            // Without web search, Responses gets no tools at all.
            #expect(server.script.receivedRequests[2].body?["tools"] == nil)
        }
    }

    @Test func theSameInstructionsAreReportedAsCachedTheSecondTime() async throws {
        try await withFakeOpenAI { server in
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            let first = try await adapter.complete(Fixtures.request(user: "ООО «Ромашка», ИНН 7701234567"))
            let second = try await adapter.complete(Fixtures.request(user: "ООО «Василёк», ИНН 7709876543"))
            #expect(first.usage.cachedInputTokens == 0)
            #expect(second.usage.cachedInputTokens > 0)
        }
    }

    @Test func anIncompleteResponseIsTruncated() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.truncated)
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            let error = await llmError { try await adapter.complete(Fixtures.request(webSearch: WebSearchOptions())) }
            #expect(error == .truncated(provider: .openAI))
        }
    }

    @Test func aRefusalPartIsRefused() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.refusal("No."))
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            let error = await llmError { try await adapter.complete(Fixtures.request(webSearch: WebSearchOptions())) }
            #expect(error == .refused(provider: .openAI, message: "No."))
        }
    }

    @Test func errorsMapLikeChatCompletions() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.rateLimited(retryAfterMilliseconds: 40), .quotaExhausted)
            let adapter = OpenAIResponsesAdapter(configuration: Self.configuration(server), httpClient: .shared)
            let limited = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(limited?.retryAfter == .milliseconds(40))
            let broke = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(broke?.outcome == .quotaExhausted)
        }
    }
}
