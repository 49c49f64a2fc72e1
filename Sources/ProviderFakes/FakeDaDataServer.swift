/// DaData's suggestions API on loopback: `POST /suggestions/api/4_1/rs/findById/party` and
/// `/suggest/party` with `Authorization: Token <key>`, the documented reply and error bodies,
/// and a daily quota that ends in 403 "Feature 'SUGGESTIONS' disabled for token '…'".
public final class FakeDaDataServer: Sendable {
    public let script: FakeCompanyDataScript
    public let apiKey: String
    private let server: FakeHTTPServer

    public var port: Int { server.port }
    /// What `DaDataProvider`'s base URL should be to reach this fake (the real one's path).
    public var baseURL: String { "http://127.0.0.1:\(server.port)/suggestions/api/4_1/rs" }

    private init(script: FakeCompanyDataScript, apiKey: String, server: FakeHTTPServer) {
        self.script = script
        self.apiKey = apiKey
        self.server = server
    }

    /// `paidPlan: false` answers like the free plan: `okveds`, `finance`, `employee_count`,
    /// `phones`, `emails` and `managers` null.
    public static func start(apiKey: String = "fake-dadata-token-0123456789abcdef", paidPlan: Bool = true,
                             script: FakeCompanyDataScript = FakeCompanyDataScript()) async throws -> FakeDaDataServer {
        let responder = FakeDaDataResponder(apiKey: apiKey, script: script, paidPlan: paidPlan)
        let server = try await FakeHTTPServer.start { request in await responder.respond(to: request) }
        return FakeDaDataServer(script: script, apiKey: apiKey, server: server)
    }

    public func stop() async {
        await server.stop()
    }
}
