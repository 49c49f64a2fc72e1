import Domain
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Storage

/// Claims jobs from the shared queue and runs them, `concurrency` at a time. A service beside the
/// HTTP server in `serve`, or on its own in `worker`; stops claiming on graceful shutdown and lets
/// running jobs finish.
public struct JobRunner: Service {
    public struct Configuration: Sendable {
        public var workerName: String
        public var concurrency: Int
        /// How long a claim is valid without renewal; a dead worker's jobs return after this.
        public var lease: TimeInterval
        /// How long to wait before asking again when the queue is empty.
        public var idlePoll: TimeInterval

        public init(workerName: String = Configuration.defaultWorkerName(), concurrency: Int = 4, lease: TimeInterval = 60, idlePoll: TimeInterval = 0.5) {
            self.workerName = workerName
            self.concurrency = max(1, concurrency)
            self.lease = lease
            self.idlePoll = idlePoll
        }

        public static func defaultWorkerName() -> String {
            "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        }
    }

    let queue: JobQueue
    let handlers: [String: any JobHandler]
    let configuration: Configuration
    let logger: Logger

    public init(queue: JobQueue, handlers: [any JobHandler], configuration: Configuration, logger: Logger) {
        self.queue = queue
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        logger.info("job runner started", metadata: ["worker": .string(configuration.workerName), "concurrency": .stringConvertible(configuration.concurrency)])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for slot in 0..<configuration.concurrency {
                    group.addTask { await self.loop(slot: slot) }
                }
            }
        } onGracefulShutdown: {
            logger.info("job runner stopping", metadata: ["worker": .string(configuration.workerName)])
        }
    }

    /// One claim-run cycle after another until shutdown. Errors talking to the database back off
    /// instead of spinning.
    private func loop(slot: Int) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let seen = queue.arrivals.generation
                if let job = try await queue.claim(worker: configuration.workerName, lease: configuration.lease, kinds: Array(handlers.keys)) {
                    await execute(job)
                } else {
                    // Until the next poll, or sooner when this process queues a job.
                    await queue.arrivals.wait(after: seen, timeout: .seconds(configuration.idlePoll))
                    try Task.checkCancellation()
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("job queue unavailable", metadata: ["error": .string(String(describing: error))])
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    func execute(_ job: Job) async {
        guard let handler = handlers[job.kind] else { return }
        var logger = self.logger
        logger[metadataKey: "job"] = .string(job.id.uuidString)
        logger[metadataKey: "job_kind"] = .string(job.kind)
        let started = ContinuousClock.now
        let worker = configuration.workerName
        let lease = configuration.lease
        // Renew the lease at a third of its length so a slow but healthy job keeps it.
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(0.2, lease / 3)))
                if Task.isCancelled { return }
                _ = try? await queue.renewLease(job.id, worker: worker, lease: lease)
            }
        }
        defer { renewal.cancel() }
        do {
            try await handler.run(job, context: JobContext(worker: worker, logger: logger))
            try await queue.complete(job.id, worker: worker)
            Counter(label: "smartysales_jobs_total", dimensions: [("kind", job.kind), ("outcome", "done")]).increment()
        } catch {
            let message = String(describing: error)
            logger.warning("job failed", metadata: ["attempt": .stringConvertible(job.attempts), "error": .string(message)])
            Counter(label: "smartysales_jobs_total", dimensions: [("kind", job.kind), ("outcome", "failed")]).increment()
            do {
                if error is PermanentJobFailure {
                    try await queue.bury(job.id, worker: worker, error: message)
                } else {
                    try await queue.fail(job.id, worker: worker, error: message)
                }
            } catch {
                logger.error("could not record job failure", metadata: ["error": .string(String(describing: error))])
            }
        }
        Timer(label: "smartysales_job_duration_seconds", dimensions: [("kind", job.kind)]).recordInterval(since: started)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
