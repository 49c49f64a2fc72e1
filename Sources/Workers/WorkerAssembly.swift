import Foundation
import Logging
import Storage

/// Builds the job runner with every handler the product has; `serve` and `worker` share it.
public enum WorkerAssembly {
    public static func jobRunner(persistence: Persistence, concurrency: Int, logger: Logger, lease: TimeInterval? = nil) -> JobRunner {
        let queue = JobQueue(persistence: persistence)
        let handlers: [any JobHandler] = [
            ProbeJob(queue: queue),
            MaintenanceJob(sessions: SessionStore(persistence: persistence), loginAttempts: LoginAttemptStore(persistence: persistence)),
        ]
        var configuration = JobRunner.Configuration(concurrency: concurrency)
        if let lease { configuration.lease = lease }
        return JobRunner(queue: queue, handlers: handlers, configuration: configuration, logger: logger)
    }

    public static func scheduleHousekeeping(persistence: Persistence) async throws {
        try await JobQueue(persistence: persistence).schedule(key: "platform.maintenance", kind: MaintenanceJob.kind, every: 3600)
    }
}
