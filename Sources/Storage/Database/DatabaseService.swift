import ServiceLifecycle

/// Keeps the database open for the life of the process and closes the pools on graceful
/// shutdown, after the services that use it have stopped.
public struct DatabaseService: Service {
    public let persistence: Persistence

    public init(persistence: Persistence) {
        self.persistence = persistence
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await persistence.shutdown()
    }
}
