import AsyncHTTPClient
import Foundation
import LLM
import ProviderFakes
import Testing

/// The Chat Completions adapter against the OpenAI fake, over real HTTP on loopback.
@Suite struct OpenAIChatAdapterTests {
    typealias Fixtures = ProviderFixtures

    static func adapter(_ server: FakeOpenAIServer, apiKey: String = Fixtures.openAIKey, timeout: Duration = .seconds(10)) -> OpenAIChatAdapter {
        OpenAIChatAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: apiKey, timeout: timeout),
                          httpClient: .shared)
    }

    @Test func aStructuredAnswerIsParsedWithItsUsage() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer))
            let response = try await Self.adapter(server).complete(Fixtures.request())
            #expect(response.provider == .openAI)
            #expect(response.model == Fixtures.model(.openAI))
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(response.citations.isEmpty)
            #expect(response.usage.inputTokens > 0)
            #expect(response.usage.outputTokens == (Fixtures.invoiceAnswer.utf8.count + 3) / 4)
            #expect(response.usage.cachedInputTokens == 0)
        }
    }

    @Test func theRequestIsStrictStructuredOutputWithTheKeyOnlyInTheAuthorizationHeader() async throws {
        try await withFakeOpenAI { server in
            _ = try await Self.adapter(server).complete(Fixtures.request(maxOutputTokens: 300))
            let sent = try #require(server.script.receivedRequests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.header("authorization") == "Bearer \(Fixtures.openAIKey)")
            #expect(sent.header("content-type") == "application/json")
            let format = try #require(sent.body?["response_format"])
            #expect(format["type"]?.string == "json_schema")
            #expect(format["json_schema"]?["name"]?.string == "classification")
            #expect(format["json_schema"]?["strict"]?.bool == true)
            let categories: FakeJSON = ["lead", "invoice", "cv"]
            #expect(sent.schema?["properties"]?["category"]?["enum"] == categories)
            #expect(sent.body?["max_completion_tokens"]?.int == 300)
            #expect(sent.body?["model"]?.string == Fixtures.model(.openAI))
            let roles = sent.body?["messages"]?.array?.compactMap { $0["role"]?.string }
            #expect(roles == ["system", "user"])
            #expect(sent.system == Fixtures.system)
            #expect(sent.user == Fixtures.user)
            #expect(!sent.rawBody.contains(Fixtures.openAIKey))
            #expect(sent.headers.filter { $0.value.contains(Fixtures.openAIKey) }.map(\.name) == ["authorization"])
        }
    }

    @Test func theSameSystemPrefixIsReportedAsCachedTheSecondTime() async throws {
        try await withFakeOpenAI { server in
            let adapter = Self.adapter(server)
            let first = try await adapter.complete(Fixtures.request(user: "first message"))
            let second = try await adapter.complete(Fixtures.request(user: "a different second message"))
            #expect(first.usage.cachedInputTokens == 0)
            #expect(second.usage.cachedInputTokens > 0)
            #expect(second.usage.cachedInputTokens < second.usage.inputTokens)
        }
    }

    @Test func theDefaultAnswerFollowsTheSchema() async throws {
        try await withFakeOpenAI { server in
            let response = try await Self.adapter(server).complete(Fixtures.request())
            #expect(response.output["category"]?.stringValue == "lead")
        }
    }

    @Test func aRefusalIsRefused() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.refusal("I can't help with that."))
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error == .refused(provider: .openAI, message: "I can't help with that."))
        }
    }

    @Test func aCutOffAnswerIsTruncated() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.truncated)
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error == .truncated(provider: .openAI))
        }
    }

    @Test(arguments: [FakeOutcome.blank, .plainText("Sure! It is an invoice.")])
    func blankOrNonJSONContentIsMalformed(outcome: FakeOutcome) async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(outcome)
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error?.outcome == .malformedAnswer)
        }
    }

    @Test func aRateLimitIsTransientWithTheServersDelayInMilliseconds() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.rateLimited(retryAfterMilliseconds: 1_500))
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error?.outcome == .transient)
            #expect(error?.httpStatus == 429)
            #expect(error?.retryAfter == .milliseconds(1_500))
        }
    }

    @Test func anExhaustedQuotaIsNotARateLimit() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.quotaExhausted)
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error?.outcome == .quotaExhausted)
            #expect(error?.isRetryable == false)
        }
    }

    @Test func serverErrorsAreTransient() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.serverError, .overloaded(retryAfterSeconds: 7))
            let adapter = Self.adapter(server)
            let internalError = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(internalError?.outcome == .transient)
            #expect(internalError?.httpStatus == 500)
            #expect(internalError?.retryAfter == nil)
            let overloaded = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(overloaded?.httpStatus == 503)
            #expect(overloaded?.retryAfter == .seconds(7))
        }
    }

    @Test func aWrongKeyIsUnauthorizedAndNotRepeatedInTheError() async throws {
        try await withFakeOpenAI { server in
            let wrongKey = "sk-test-openai-wrong-5e6f7a8b9c0d"
            let error = await llmError { try await Self.adapter(server, apiKey: wrongKey).complete(Fixtures.request()) }
            #expect(error?.outcome == .unauthorized)
            #expect(!String(describing: error).contains(wrongKey))
            #expect(!String(reflecting: error).contains(wrongKey))
        }
    }

    @Test func aBadRequestIsFinal() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.badRequest("Invalid 'messages[1].content': string too long."))
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            #expect(error == .badRequest(provider: .openAI, status: 400, message: "Invalid 'messages[1].content': string too long."))
        }
    }

    @Test func aSchemaThatBreaksStrictModeIsRefusedLikeTheRealAPIDoes() async throws {
        try await withFakeOpenAI { server in
            let loose = LLMSchema(name: "loose", schema: .object([
                "type": .string("object"),
                "properties": .object(["category": .object(["type": .string("string")])]),
                "required": .array([.string("category")]),
            ]))
            let request = LLMRequest(system: Fixtures.system, user: Fixtures.user, schema: loose, purpose: "classification")
            let error = await llmError { try await Self.adapter(server).complete(request) }
            #expect(error?.httpStatus == 400)
            #expect(String(describing: error).contains("additionalProperties"))
        }
    }

    @Test func xShouldRetryOverridesTheStatus() async throws {
        try await withFakeOpenAI { server in
            let body = #"{"error":{"message":"try later","type":"server_error","param":null,"code":null}}"#
            server.script.enqueue(
                .raw(status: 503, headers: [FakeHeader("x-should-retry", "false")], body: body),
                .raw(status: 400, headers: [FakeHeader("x-should-retry", "true"), FakeHeader("retry-after", "2")], body: body)
            )
            let adapter = Self.adapter(server)
            let final = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(final == .badRequest(provider: .openAI, status: 503, message: "try later"))
            let retryable = await llmError { try await adapter.complete(Fixtures.request()) }
            #expect(retryable == .transient(provider: .openAI, status: 400, message: "try later", retryAfter: .seconds(2)))
        }
    }

    @Test func retryAfterAsAnHTTPDateIsADelayFromNow() async throws {
        try await withFakeOpenAI { server in
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = formatter.string(from: Date().addingTimeInterval(30))
            let body = #"{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
            server.script.enqueue(.raw(status: 429, headers: [FakeHeader("retry-after", date)], body: body))
            let error = await llmError { try await Self.adapter(server).complete(Fixtures.request()) }
            let delay = try #require(error?.retryAfter)
            #expect(delay > .seconds(25) && delay <= .seconds(31))
        }
    }

    @Test func aClosedPortIsUnreachable() async throws {
        let port = try await Fixtures.closedPort()
        let adapter = OpenAIChatAdapter(
            // AsyncHTTPClient keeps retrying a refused connection until the deadline.
            configuration: Fixtures.configuration(.openAI, baseURL: "http://127.0.0.1:\(port)/v1", apiKey: Fixtures.openAIKey,
                                                  timeout: .seconds(1)),
            httpClient: .shared
        )
        let error = await llmError { try await adapter.complete(Fixtures.request()) }
        #expect(error?.outcome == .unreachable)
        #expect(error?.isRetryable == true)
    }

    @Test func noReplyWithinTheTimeoutIsUnreachable() async throws {
        try await withFakeOpenAI { server in
            server.script.latency = .seconds(60)
            let started = ContinuousClock.now
            let error = await llmError { try await Self.adapter(server, timeout: .milliseconds(300)).complete(Fixtures.request()) }
            #expect(error?.outcome == .unreachable)
            #expect(ContinuousClock.now - started < .seconds(30), "the timeout, not the reply a minute later")
        }
    }

    @Test func aCancelledCallStopsWaitingForTheProvider() async throws {
        try await withFakeOpenAI { server in
            server.script.latency = .seconds(30)
            let adapter = Self.adapter(server, timeout: .seconds(60))
            let started = ContinuousClock.now
            let call = Task { try await adapter.complete(Fixtures.request()) }
            try await eventually { server.script.receivedRequests.count == 1 }
            call.cancel()
            let error = await thrownError { try await call.value }
            #expect(error is CancellationError)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }
}
