import AsyncHTTPClient
import LLM
import ProviderFakes

extension TokenBench {
    /// How fast the batched engine classifies when every call takes `latency` and the tenant's
    /// limiter lets at most `tenantLimits.maxConcurrent` calls run at once.
    struct ThroughputRun {
        let messages: Int
        let seconds: Double
        /// The time the run cannot beat: the calls in waves of the concurrency limit, each wave
        /// one latency long, nothing else costing anything.
        let idealSeconds: Double
        /// What answered: the fake server, or the in-process stand-in.
        let transport: String

        var measuredRate: Double { Double(messages) / seconds }
        var idealRate: Double { Double(messages) / idealSeconds }
    }

    /// The figure goes through the real wire path: the fake OpenAI server on loopback answers
    /// each call after `latency`, as `TruthAnsweringClient` would, and the real Chat Completions
    /// adapter talks to it over HTTP behind the tenant's real limiter.
    static func throughputRun(messages: [ClassificationMessage], categories: [ClassificationCategory],
                              answering truth: TruthAnsweringClient) async throws -> ThroughputRun {
        let script = FakeScript { request in truth.answer(toPrompt: request.user).encodedString() }
        script.latency = latency
        let server = try await FakeOpenAIServer.start(script: script)
        let configuration = LLMProviderConfiguration(kind: .openAI, model: "gpt-4o-mini", apiKey: server.apiKey, baseURL: server.baseURL)
        let provider = OpenAIChatAdapter(configuration: configuration, httpClient: HTTPClient.shared)
        let client = LimitedLLMClient(base: provider, limiter: TenantRateLimiter(limits: tenantLimits), tenantKey: "bench")
        // The engine may queue more than the limiter lets through; the limiter decides.
        let engine = ClassificationEngine(
            llm: client,
            options: ClassificationOptions(batchSize: batchSize, maxConcurrentBatches: 2 * tenantLimits.maxConcurrent))
        let clock = ContinuousClock()
        let started = clock.now
        let verdicts: [ClassificationVerdict]
        do {
            verdicts = try await engine.classify(messages, into: categories)
        } catch {
            await server.stop()
            throw error
        }
        let elapsed = started.duration(to: clock.now)
        await server.stop()

        let calls = (messages.count + batchSize - 1) / batchSize
        let waves = (calls + tenantLimits.maxConcurrent - 1) / tenantLimits.maxConcurrent
        return ThroughputRun(messages: verdicts.count, seconds: seconds(elapsed),
                             idealSeconds: Double(waves) * seconds(latency),
                             transport: "fake OpenAI server over HTTP on loopback, the real adapter and the tenant's limiter")
    }
}
