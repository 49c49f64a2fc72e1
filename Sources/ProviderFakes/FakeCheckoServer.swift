/// Checko's API v2 on loopback: `GET /v2/company`, `/v2/entrepreneur`, `/v2/finances` and
/// `/v2/search` with the key as the `key` query parameter, `meta` on every reply (errors inside
/// HTTP 200 included), counters, and 403 once the daily quota is used up.
public final class FakeCheckoServer: Sendable {
    public let script: FakeCompanyDataScript
    public let apiKey: String
    private let server: FakeHTTPServer

    public var port: Int { server.port }
    /// What `CheckoProvider`'s base URL should be to reach this fake.
    public var baseURL: String { "http://127.0.0.1:\(server.port)/v2" }

    private init(script: FakeCompanyDataScript, apiKey: String, server: FakeHTTPServer) {
        self.script = script
        self.apiKey = apiKey
        self.server = server
    }

    public static func start(apiKey: String = "fakeCheckoKey0123456789", script: FakeCompanyDataScript = FakeCompanyDataScript())
        async throws -> FakeCheckoServer {
        let responder = FakeCheckoResponder(apiKey: apiKey, script: script)
        let server = try await FakeHTTPServer.start { request in await responder.respond(to: request) }
        return FakeCheckoServer(script: script, apiKey: apiKey, server: server)
    }

    public func stop() async {
        await server.stop()
    }
}
