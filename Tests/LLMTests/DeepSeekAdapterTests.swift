import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// The DeepSeek adapter against the DeepSeek fake: JSON mode with the schema in the prompt,
/// keep-alive lines, blank answers asked again, the required-keys check, and the error codes.
@Suite struct DeepSeekAdapterTests {
    typealias Fixtures = ProviderFixtures

    static func adapter(_ server: FakeDeepSeekServer, apiKey: String = Fixtures.deepSeekKey) -> DeepSeekAdapter {
        DeepSeekAdapter(configuration: Fixtures.configuration(.deepSeek, baseURL: server.baseURL, apiKey: apiKey), httpClient: .shared)
    }

    @Test func jsonModeCarriesTheSchemaInTheSystemPrompt() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer))
            let response = try await Self.adapter(server).complete(Fixtures.request(maxOutputTokens: 400))
            #expect(response.provider == .deepSeek)
            #expect(response.output == Fixtures.invoiceOutput)

            let sent = try #require(server.script.receivedRequests.first)
            #expect(sent.path == "/chat/completions")
            #expect(sent.header("authorization") == "Bearer \(Fixtures.deepSeekKey)")
            let jsonObject: FakeJSON = ["type": "json_object"]
            #expect(sent.body?["response_format"] == jsonObject)
            #expect(sent.body?["max_tokens"]?.int == 400)
            #expect(sent.system.hasPrefix(Fixtures.system))
            #expect(sent.system.hasSuffix(Fixtures.schema.schema.encodedString()))
            #expect(sent.system.contains("JSON"))
            // The fake found the schema where a JSON-mode prompt shows it.
            let categories: FakeJSON = ["lead", "invoice", "cv"]
            #expect(sent.schema?["properties"]?["category"]?["enum"] == categories)
            #expect(!sent.rawBody.contains(Fixtures.deepSeekKey))
        }
    }

    @Test func theSystemPromptIsTheSameBytesEveryTimeSoItIsCached() async throws {
        try await withFakeDeepSeek { server in
            let adapter = Self.adapter(server)
            let first = try await adapter.complete(Fixtures.request(user: "one"))
            let second = try await adapter.complete(Fixtures.request(user: "two"))
            #expect(first.usage.cachedInputTokens == 0)
            #expect(second.usage.cachedInputTokens > 0)
            #expect(first.output["category"]?.stringValue == "lead")
        }
    }

    @Test func keepAliveLinesBeforeTheBodyAreSkipped() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(.keepAlive(lines: 5, then: .answer(Fixtures.invoiceAnswer)))
            let response = try await Self.adapter(server).complete(Fixtures.request())
            #expect(response.output == Fixtures.invoiceOutput)
        }
    }

    @Test func blankAnswersAreAskedAgain() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(.blank, .blank, .answer(Fixtures.invoiceAnswer), .answer(Fixtures.invoiceAnswer))
            let adapter = Self.adapter(server)
            let response = try await adapter.complete(Fixtures.request())
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(server.script.receivedRequests.count == 3)
            // All three calls were billed, so all three count.
            let single = try await adapter.complete(Fixtures.request())
            #expect(response.usage.inputTokens == 3 * single.usage.inputTokens)
        }
    }

    @Test func threeBlankAnswersAreMalformed() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(.blank, .blank, .blank, .answer(Fixtures.invoiceAnswer))
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error?.outcome == .malformedAnswer)
            #expect(server.script.receivedRequests.count == 3)
        }
    }

    @Test func anAnswerWithoutARequiredKeyIsMalformed() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(.answer(#"{"category":"invoice"}"#), .answer(#"["invoice"]"#))
            let adapter = Self.adapter(server)
            let missingKey = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(missingKey?.outcome == .malformedAnswer)
            #expect(String(describing: missingKey).contains("confidence"))
            let notAnObject = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(notAnObject?.outcome == .malformedAnswer)
        }
    }

    @Test func aCutOffAnswerIsTruncated() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(.truncated)
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error == .truncated(provider: .deepSeek))
        }
    }

    @Test func theDocumentedErrorCodesMap() async throws {
        try await withFakeDeepSeek { server in
            server.script.enqueue(
                .quotaExhausted, .overloaded(), .rateLimited(), .serverError,
                .raw(status: 422, body: #"{"error":{"message":"Invalid Parameters","type":"invalid_request_error","param":null,"code":null}}"#)
            )
            let adapter = Self.adapter(server)
            var outcomes: [LLMCallOutcome?] = []
            var statuses: [Int?] = []
            for _ in 0..<5 {
                let error = await llmError { try await adapter.complete(Fixtures.request()) }
                outcomes.append(error?.outcome)
                statuses.append(error?.httpStatus)
            }
            #expect(outcomes == [.quotaExhausted, .transient, .transient, .transient, .badRequest])
            #expect(statuses == [nil, 503, 429, 500, 422])
            let wrongKey = "sk-test-deepseek-wrong-a1b2c3d4e5"
            let unauthorized = await llmError { try await Self.adapter(server, apiKey: wrongKey).complete(Fixtures.request()) }
            #expect(unauthorized?.outcome == .unauthorized)
            #expect(!String(describing: unauthorized).contains(wrongKey))
        }
    }
}
