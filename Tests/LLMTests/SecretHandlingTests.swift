import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// Whatever goes wrong, the API key does not appear in the error: not when the provider
/// refuses it, and not when a reply echoes it back verbatim.
@Suite struct SecretHandlingTests {
    typealias Fixtures = ProviderFixtures

    static func echo(_ key: String) -> FakeOutcome {
        .raw(status: 400, body: #"{"error":{"message":"Bad key \#(key) in header","type":"invalid_request_error"}}"#)
    }

    static let outcomes: [FakeOutcome] = [.unauthorized, .quotaExhausted, .rateLimited(), .overloaded(), .serverError, .badRequest(), .refusal(), .truncated, .blank]

    static func expectNoKey(in error: LLMError?, key: String) {
        #expect(error != nil)
        #expect(!String(describing: error).contains(key))
        #expect(!String(reflecting: error).contains(key))
    }

    @Test func openAIErrorsNeverCarryTheKey() async throws {
        try await withFakeOpenAI { server in
            let adapter = OpenAIAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey), httpClient: .shared)
            for outcome in Self.outcomes + [Self.echo(Fixtures.openAIKey)] {
                server.script.enqueue(outcome)
                Self.expectNoKey(in: await llmError { try await adapter.complete(Fixtures.request()) }, key: Fixtures.openAIKey)
            }
        }
    }

    @Test func anthropicErrorsNeverCarryTheKey() async throws {
        try await withFakeAnthropic { server in
            let adapter = AnthropicAdapter(configuration: Fixtures.configuration(.anthropic, baseURL: server.baseURL, apiKey: Fixtures.anthropicKey), httpClient: .shared)
            for outcome in Self.outcomes + [Self.echo(Fixtures.anthropicKey)] {
                server.script.enqueue(outcome)
                Self.expectNoKey(in: await llmError { try await adapter.complete(Fixtures.request()) }, key: Fixtures.anthropicKey)
            }
        }
    }

    @Test func deepSeekErrorsNeverCarryTheKey() async throws {
        try await withFakeDeepSeek { server in
            let adapter = DeepSeekAdapter(configuration: Fixtures.configuration(.deepSeek, baseURL: server.baseURL, apiKey: Fixtures.deepSeekKey),
                                          httpClient: .shared, blankAnswerRetries: 0)
            for outcome in Self.outcomes + [Self.echo(Fixtures.deepSeekKey)] {
                server.script.enqueue(outcome)
                Self.expectNoKey(in: await llmError { try await adapter.complete(Fixtures.request()) }, key: Fixtures.deepSeekKey)
            }
        }
    }
}
