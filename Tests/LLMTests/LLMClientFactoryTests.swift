import AsyncHTTPClient
import LLM
import ProviderFakes
import Testing

/// The assembled client end to end: retries per provider, fallback in order, accounting of
/// every real call, the tenant's limiter around it all.
@Suite struct LLMClientFactoryTests {
    typealias Fixtures = ProviderFixtures

    @Test func aRateLimitIsRetriedThenAnEmptyAccountFallsBackAndEveryCallIsRecorded() async throws {
        try await withFakeOpenAI { openAI in
            try await withFakeDeepSeek { deepSeek in
                openAI.script.enqueue(.rateLimited(retryAfterMilliseconds: 100), .quotaExhausted)
                deepSeek.script.enqueue(.answer(Fixtures.invoiceAnswer))
                let recorder = MemoryLLMUsageRecorder()
                let sleeper = SleepRecorder()
                let limiter = TenantRateLimiter()
                let client = LLMClientFactory.reliableClient(
                    providers: [
                        Fixtures.configuration(.openAI, baseURL: openAI.baseURL, apiKey: Fixtures.openAIKey),
                        Fixtures.configuration(.deepSeek, baseURL: deepSeek.baseURL, apiKey: Fixtures.deepSeekKey),
                    ],
                    httpClient: .shared, tenantID: "tenant-7", limiter: limiter, recorder: recorder,
                    prices: LLMPriceTable(), sleep: sleeper.sleep
                )
                let response = try await client.complete(Fixtures.request())
                #expect(response.provider == .deepSeek)
                #expect(response.output == Fixtures.invoiceOutput)
                #expect(sleeper.recorded == [.milliseconds(100)])

                let events = await recorder.events
                #expect(events.map(\.provider) == [.openAI, .openAI, .deepSeek])
                #expect(events.map(\.outcome) == [.transient, .quotaExhausted, .ok])
                #expect(events.allSatisfy { $0.tenantID == "tenant-7" })
                #expect(await limiter.load(tenant: "tenant-7").inFlight == 0)
            }
        }
    }

    @Test func noProvidersIsNotConfigured() async throws {
        let client = LLMClientFactory.reliableClient(
            providers: [], httpClient: .shared, tenantID: nil, limiter: TenantRateLimiter(),
            recorder: MemoryLLMUsageRecorder(), prices: LLMPriceTable()
        )
        let error = await llmError { try await client.complete(Fixtures.request()) }
        #expect(error == .notConfigured)
    }

    @Test func theConfigurationNeverShowsTheKey() {
        let configuration = Fixtures.configuration(.anthropic, baseURL: "https://api.anthropic.com/v1", apiKey: Fixtures.anthropicKey)
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), "\(configuration)", dumped] {
            #expect(!text.contains(Fixtures.anthropicKey))
        }
        #expect(LLMProviderConfiguration(kind: .deepSeek, model: "deepseek-chat", apiKey: "k").baseURL == "https://api.deepseek.com")
    }
}
