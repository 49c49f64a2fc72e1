/// Anthropic on loopback: `POST /v1/messages` with `x-api-key` and `anthropic-version`
/// checks, forced-tool answers, the web search server tool (results, citations, errors inside
/// HTTP 200, `pause_turn`), prompt caching by `cache_control`, and the documented errors.
public final class FakeAnthropicServer: Sendable {
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

    public static func start(apiKey: String = "sk-ant-fake-0123456789abcdef", script: FakeScript = FakeScript()) async throws -> FakeAnthropicServer {
        let responder = FakeAnthropicResponder(apiKey: apiKey, script: script)
        let server = try await FakeHTTPServer.start { request in await responder.respond(to: request) }
        return FakeAnthropicServer(script: script, apiKey: apiKey, server: server)
    }

    public func stop() async {
        await server.stop()
    }
}
