import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Builds the job runner with every handler the product has; `serve` and `worker` share it.
public enum WorkerAssembly {
    /// The runner with the platform's handlers, and the inbox and prospects pipelines' when they
    /// are given (they need the master keyring's SecretBox and the audit sink, see
    /// `InboxPipeline` and `ProspectsPipeline`).
    public static func jobRunner(
        persistence: Persistence, concurrency: Int, logger: Logger, lease: TimeInterval? = nil, inbox: InboxPipeline? = nil,
        prospects: ProspectsPipeline? = nil
    ) -> JobRunner {
        let queue = JobQueue(persistence: persistence)
        var handlers: [any JobHandler] = [
            ProbeJob(queue: queue),
            MaintenanceJob(sessions: SessionStore(persistence: persistence), loginAttempts: LoginAttemptStore(persistence: persistence)),
        ]
        if let inbox { handlers += inbox.handlers }
        if let prospects { handlers += prospects.handlers }
        var configuration = JobRunner.Configuration(concurrency: concurrency)
        if let lease { configuration.lease = lease }
        return JobRunner(queue: queue, handlers: handlers, configuration: configuration, logger: logger)
    }

    /// Everything a worker process runs beside the database: the job runner with every handler
    /// and the IDLE watchers. Call `scheduleHousekeeping` and `InboxPipeline.scheduleMailboxes`
    /// once at start-up too. Without `prospects`, `clients.enrich` and `prospects.search` jobs
    /// wait in the queue.
    public static func services(
        persistence: Persistence, inbox: InboxPipeline, prospects: ProspectsPipeline? = nil, concurrency: Int, logger: Logger,
        lease: TimeInterval? = nil
    ) -> [any Service] {
        [
            jobRunner(persistence: persistence, concurrency: concurrency, logger: logger, lease: lease, inbox: inbox, prospects: prospects),
            inbox.idleService(),
        ]
    }

    /// The platform's periodic jobs: sessions and login attempts, and the sweep that fails
    /// enrichments a dead worker left pending (run by the prospects pipeline's handlers).
    public static func scheduleHousekeeping(persistence: Persistence) async throws {
        let queue = JobQueue(persistence: persistence)
        try await queue.schedule(key: "platform.maintenance", kind: MaintenanceJob.kind, every: 3600)
        try await AbandonedEnrichmentSweep.schedule(on: queue)
    }
}
