/// A fake that listens until stopped.
public protocol StoppableFakeServer: Sendable {
    func stop() async
}

extension FakeOpenAIServer: StoppableFakeServer {}
extension FakeAnthropicServer: StoppableFakeServer {}
extension FakeDeepSeekServer: StoppableFakeServer {}
extension FakeDaDataServer: StoppableFakeServer {}
extension FakeCheckoServer: StoppableFakeServer {}

/// Runs `body` with a fake started by `start`, and stops the fake afterwards whatever happens,
/// so a failing test never leaves a server listening for the next one.
public func withFakeServer<Server: StoppableFakeServer>(
    _ start: () async throws -> Server, _ body: (Server) async throws -> Void
) async throws {
    let server = try await start()
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
