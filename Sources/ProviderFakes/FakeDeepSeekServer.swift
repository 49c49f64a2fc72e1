/// DeepSeek on loopback: `POST /chat/completions` (also under `/v1`), OpenAI-compatible, JSON
/// mode only, with blank answers, keep-alive lines while "queued", disk-cache hit counts and
/// the documented errors (402 insufficient balance, 429, 500, 503).
public final class FakeDeepSeekServer: Sendable {
    public let script: FakeScript
    public let apiKey: String
    private let server: FakeHTTPServer

    public var port: Int { server.port }
    /// What `LLMProviderConfiguration.baseURL` should be to reach this fake.
    public var baseURL: String { "http://127.0.0.1:\(server.port)" }

    private init(script: FakeScript, apiKey: String, server: FakeHTTPServer) {
        self.script = script
        self.apiKey = apiKey
        self.server = server
    }

    public static func start(apiKey: String = "sk-fake-deepseek-0123456789abcdef", script: FakeScript = FakeScript()) async throws -> FakeDeepSeekServer {
        let responder = FakeDeepSeekResponder(apiKey: apiKey, script: script)
        let server = try await FakeHTTPServer.start { request in await responder.respond(to: request) }
        return FakeDeepSeekServer(script: script, apiKey: apiKey, server: server)
    }

    public func stop() async {
        await server.stop()
    }
}
