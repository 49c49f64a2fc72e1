/// OpenAI on loopback: `POST /v1/chat/completions` and `POST /v1/responses`, with Bearer
/// authentication, strict-schema validation, the documented success bodies, and the documented
/// errors and rate-limit headers (see `FakeOutcome`).
public final class FakeOpenAIServer: Sendable {
    public let script: FakeScript
    public let apiKey: String
    private let server: FakeHTTPServer

    public var port: Int { server.port }
    /// What `LLMProviderConfiguration.baseURL` should be to reach this fake.
    public var baseURL: String { "http://127.0.0.1:\(server.port)/v1" }

    private init(script: FakeScript, apiKey: String, server: FakeHTTPServer) {
        self.script = script
        self.apiKey = apiKey
        self.server = server
    }

    public static func start(apiKey: String = "sk-fake-openai-0123456789abcdef", script: FakeScript = FakeScript()) async throws -> FakeOpenAIServer {
        let responder = FakeOpenAIResponder(apiKey: apiKey, script: script)
        let server = try await FakeHTTPServer.start { request in await responder.respond(to: request) }
        return FakeOpenAIServer(script: script, apiKey: apiKey, server: server)
    }

    public func stop() async {
        await server.stop()
    }
}
