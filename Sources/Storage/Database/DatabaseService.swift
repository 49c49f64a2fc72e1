import Logging
import ServiceLifecycle

/// Keeps the database open for the life of the process and closes the pools on graceful
/// shutdown, after the services that use it have stopped. Meanwhile it keeps SQLite's planner
/// statistics current (`Persistence.refreshPlannerStatistics`).
public struct DatabaseService: Service {
    public let persistence: Persistence
    /// How often the planner statistics are checked; usually a check finds nothing to do and
    /// costs well under a millisecond.
    public var statisticsInterval: Duration

    public init(persistence: Persistence, statisticsInterval: Duration = .seconds(3)) {
        self.persistence = persistence
        self.statisticsInterval = statisticsInterval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: statisticsInterval)
                    try await persistence.refreshPlannerStatistics()
                } catch is CancellationError {
                    return
                } catch {
                    // Statistics only steer the planner; the next round tries again.
                    persistence.logger.warning("planner statistics not refreshed", metadata: ["error": "\(error)"])
                }
            }
        }
        await persistence.shutdown()
    }
}
