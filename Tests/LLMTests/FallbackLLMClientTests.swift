import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// Fallback: the next provider answers when one cannot; a bad request or cancellation stops it.
@Suite struct FallbackLLMClientTests {
    typealias Fixtures = ProviderFixtures

    @Test func anEmptyOpenAIAccountFallsBackToAnthropic() async throws {
        try await withFakeOpenAI { openAI in
            try await withFakeAnthropic { anthropic in
                openAI.script.enqueue(.quotaExhausted)
                anthropic.script.enqueue(.answer(Fixtures.invoiceAnswer))
                let client = FallbackLLMClient(clients: [
                    OpenAIAdapter(configuration: Fixtures.configuration(.openAI, baseURL: openAI.baseURL, apiKey: Fixtures.openAIKey), httpClient: .shared),
                    AnthropicAdapter(configuration: Fixtures.configuration(.anthropic, baseURL: anthropic.baseURL, apiKey: Fixtures.anthropicKey), httpClient: .shared),
                ])
                let response = try await client.complete(Fixtures.request())
                #expect(response.provider == .anthropic)
                #expect(response.output == Fixtures.invoiceOutput)
                #expect(openAI.script.receivedRequests.count == 1)
                #expect(anthropic.script.receivedRequests.count == 1)
            }
        }
    }

    @Test(arguments: [
        LLMError.transient(provider: .openAI, status: 503, message: "down", retryAfter: nil),
        .unreachable(provider: .openAI, message: "timeout"),
        .quotaExhausted(provider: .openAI, message: "broke"),
        .unauthorized(provider: .openAI, message: "key"),
        .refused(provider: .openAI, message: "no"),
        .truncated(provider: .openAI),
        .malformedAnswer(provider: .openAI, message: "blank"),
    ])
    func theNextProviderIsAskedAfter(error: LLMError) async throws {
        let first = StubLLMClient(.openAI, [.failure(error)])
        let second = StubLLMClient(.deepSeek, [.success(.object(["ok": .bool(true)]))])
        let response = try await FallbackLLMClient(clients: [first, second]).complete(Fixtures.request())
        #expect(response.provider == .deepSeek)
        #expect(await second.calls == 1)
    }

    @Test func aBadRequestIsNotPassedOn() async throws {
        let bad = LLMError.badRequest(provider: .openAI, status: 400, message: "schema")
        let first = StubLLMClient(.openAI, [.failure(bad)])
        let second = StubLLMClient(.deepSeek, [])
        let error = await llmError { try await FallbackLLMClient(clients: [first, second]).complete(Fixtures.request()) }
        #expect(error == bad)
        #expect(await second.calls == 0)
    }

    @Test func whenAllFailTheLastErrorIsThrown() async throws {
        let first = StubLLMClient(.openAI, [.failure(LLMError.quotaExhausted(provider: .openAI, message: "a"))])
        let last = LLMError.unreachable(provider: .anthropic, message: "b")
        let second = StubLLMClient(.anthropic, [.failure(last)])
        let error = await llmError { try await FallbackLLMClient(clients: [first, second]).complete(Fixtures.request()) }
        #expect(error == last)
    }

    @Test func noProvidersMeansNotConfigured() async throws {
        let error = await llmError { try await FallbackLLMClient(clients: []).complete(Fixtures.request()) }
        #expect(error == .notConfigured)
    }

    @Test func cancellationIsNotPassedOn() async throws {
        let first = StubLLMClient(.openAI, [.failure(CancellationError())])
        let second = StubLLMClient(.deepSeek, [])
        let error = await thrownError { try await FallbackLLMClient(clients: [first, second]).complete(Fixtures.request()) }
        #expect(error is CancellationError)
        #expect(await second.calls == 0)
    }
}
