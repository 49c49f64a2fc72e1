import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// Retries: the server's delay is waited exactly, otherwise exponential backoff with jitter;
/// final errors are not retried; cancellation ends the loop.
@Suite struct RetryingLLMClientTests {
    typealias Fixtures = ProviderFixtures

    static let transient = LLMError.transient(provider: .openAI, status: 500, message: "boom", retryAfter: nil)

    @Test func theServersRetryAfterMillisecondsIsWaitedExactly() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.rateLimited(retryAfterMilliseconds: 1_500), .rateLimited(retryAfterMilliseconds: 250), .answer(Fixtures.invoiceAnswer))
            let sleeper = SleepRecorder()
            let adapter = OpenAIAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey),
                                        httpClient: .shared)
            let client = RetryingLLMClient(base: adapter, sleep: sleeper.sleep)
            let response = try await client.complete(Fixtures.request())
            #expect(response.output == Fixtures.invoiceOutput)
            #expect(sleeper.recorded == [.milliseconds(1_500), .milliseconds(250)])
            #expect(server.script.receivedRequests.count == 3)
        }
    }

    @Test func anExhaustedQuotaIsNotRetried() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.quotaExhausted, .answer(Fixtures.invoiceAnswer))
            let sleeper = SleepRecorder()
            let adapter = OpenAIAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey),
                                        httpClient: .shared)
            let error = await llmError { try await RetryingLLMClient(base: adapter, sleep: sleeper.sleep).complete(Fixtures.request()) }
            #expect(error?.outcome == .quotaExhausted)
            #expect(sleeper.recorded.isEmpty)
            #expect(server.script.receivedRequests.count == 1)
        }
    }

    @Test func withoutAServerDelayTheBackoffDoublesWithJitter() async throws {
        let stub = StubLLMClient(.openAI, [.failure(Self.transient), .failure(Self.transient), .success(.object([:]))])
        let low = SleepRecorder()
        _ = try await RetryingLLMClient(base: stub, sleep: low.sleep, random: { 0 }).complete(Fixtures.request())
        #expect(low.recorded == [.milliseconds(250), .milliseconds(500)])

        let again = StubLLMClient(.openAI, [.failure(Self.transient), .failure(Self.transient), .success(.object([:]))])
        let high = SleepRecorder()
        _ = try await RetryingLLMClient(base: again, sleep: high.sleep, random: { 1 }).complete(Fixtures.request())
        #expect(high.recorded == [.milliseconds(500), .seconds(1)])
    }

    @Test func theBackoffIsCapped() {
        let policy = LLMRetryPolicy()
        #expect(policy.backoff(afterAttempt: 12, random: 1) == .seconds(20))
        #expect(policy.backoff(afterAttempt: 12, random: 0) == .seconds(10))
    }

    @Test func attemptsStopAtTheLimitWithTheLastError() async throws {
        let stub = StubLLMClient(.openAI, Array(repeating: .failure(Self.transient), count: 10))
        let sleeper = SleepRecorder()
        let client = RetryingLLMClient(base: stub, policy: LLMRetryPolicy(maxAttempts: 4), sleep: sleeper.sleep)
        let error = await llmError { try await client.complete(Fixtures.request()) }
        #expect(error == Self.transient)
        #expect(await stub.calls == 4)
        #expect(sleeper.recorded.count == 3)
    }

    @Test func aServerDelayBeyondTheCapIsNotWaitedFor() async throws {
        let tooLong = LLMError.transient(provider: .anthropic, status: 429, message: "later", retryAfter: .seconds(120))
        let stub = StubLLMClient(.anthropic, [.failure(tooLong), .success(.object([:]))])
        let sleeper = SleepRecorder()
        let error = await llmError { try await RetryingLLMClient(base: stub, sleep: sleeper.sleep).complete(Fixtures.request()) }
        #expect(error == tooLong)
        #expect(sleeper.recorded.isEmpty)
        #expect(await stub.calls == 1)
    }

    @Test func finalErrorsAreNotRetried() async throws {
        let final: [LLMError] = [
            .unauthorized(provider: .openAI, message: "no"), .badRequest(provider: .openAI, status: 400, message: "bad"),
            .refused(provider: .openAI, message: "no"), .truncated(provider: .openAI), .malformedAnswer(provider: .openAI, message: "x"),
        ]
        for error in final {
            let stub = StubLLMClient(.openAI, [.failure(error), .success(.object([:]))])
            let thrown = await llmError { try await RetryingLLMClient(base: stub, sleep: SleepRecorder().sleep).complete(Fixtures.request()) }
            #expect(thrown == error)
            #expect(await stub.calls == 1)
        }
    }

    @Test func cancellationDuringTheWaitEndsTheLoop() async throws {
        let stub = StubLLMClient(.openAI, Array(repeating: .failure(Self.transient), count: 10))
        // A five-minute wait, and a bound of two: the whole suite runs at once on two cores, and
        // a wait that is not interrupted would still be told from one that is, by minutes.
        let client = RetryingLLMClient(base: stub, policy: LLMRetryPolicy(baseDelay: .seconds(300), maxDelay: .seconds(300)))
        let started = ContinuousClock.now
        let call = Task { try await client.complete(Fixtures.request()) }
        try await eventually { await stub.calls == 1 }
        call.cancel()
        let error = await thrownError { try await call.value }
        #expect(error is CancellationError)
        #expect(await stub.calls == 1)
        #expect(ContinuousClock.now - started < .seconds(120))
    }
}
