import Domain
import Foundation
import Logging
import Storage

/// `prospects.search`: one discovery run (`ProspectDiscovery`), the tenant in `Job.companyID`.
/// Two payloads, a contract with the web pages and the schedules:
///
/// - `{"run_id": "…"}`: the run a person started (the form, or "run again" on a saved search);
///   the web creates the run and enqueues this;
/// - `{"search_id": "…"}`: a saved search's schedule (`ProspectSearchScheduling`), a periodic job.
///   Each time it creates a run of its own, which imports the companies that are not clients
///   yet. When it was interrupted (an outage, a worker that died), the next attempt goes on with
///   the search's unfinished scheduled run instead of starting another.
///
/// Running a job twice is harmless: a run that ended is left alone, and results are stored once
/// per INN.
public struct ProspectSearchJob: JobHandler {
    public static let kind = "prospects.search"
    public var kind: String { Self.kind }

    public struct Payload: Codable, Sendable, Equatable {
        public var runID: UUID?
        public var searchID: UUID?

        public init(runID: UUID? = nil, searchID: UUID? = nil) {
            self.runID = runID
            self.searchID = searchID
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case searchID = "search_id"
        }
    }

    public let discovery: ProspectDiscovery
    let searches: ProspectSearchRepository
    let queue: JobQueue

    public init(discovery: ProspectDiscovery, searches: ProspectSearchRepository, queue: JobQueue) {
        self.discovery = discovery
        self.searches = searches
        self.queue = queue
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let (payload, companyID) = try InboxJobs.decode(Payload.self, from: job)
        let finalAttempt = job.attempts >= job.maxAttempts
        let runID: UUID
        if let id = payload.runID {
            runID = id
        } else if let searchID = payload.searchID {
            do {
                if let unfinished = try await searches.unfinishedScheduledRun(searchID: searchID, companyID: companyID) {
                    runID = unfinished.id
                } else {
                    runID = try await searches.createScheduledRun(searchID: searchID, companyID: companyID).id
                }
            } catch StorageError.notFound {
                // Deleted since it was scheduled: the schedule goes with it.
                context.logger.info("saved search not found, schedule removed", metadata: ["search_id": "\(searchID)"])
                try await ProspectSearchScheduling(queue: queue).unschedule(searchID: searchID)
                return
            }
        } else {
            throw PermanentJobFailure("\(job.kind) job names neither a run nor a saved search")
        }
        let run: ProspectSearchRun
        do {
            run = try await discovery.run(runID: runID, companyID: companyID, finalAttempt: finalAttempt)
        } catch StorageError.notFound {
            // Another tenant's id, or a run gone with its tenant: nothing to do.
            context.logger.info("discovery run not found", metadata: ["run_id": "\(runID)"])
            return
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Whatever it was, the queue will not try again: the run must not stay `running`.
            if finalAttempt {
                _ = try? await searches.failRun(runID, companyID: companyID, reason: ProspectProblem.gaveUp("\(error)").stored)
            }
            throw error
        }
        context.logger.debug("discovery run ended", metadata: [
            "run_id": "\(run.id)", "status": "\(run.status.rawValue)", "found": "\(run.found)", "imported": "\(run.imported)",
        ])
    }

    /// The job for a run a person started.
    public static func job(runID: UUID, companyID: UUID) -> NewJob {
        NewJob(kind: kind, companyID: companyID, payload: InboxJobs.encode(Payload(runID: runID)))
    }

    /// Queues the run (what the discovery pages do after creating it).
    @discardableResult
    public static func enqueue(runID: UUID, companyID: UUID, queue: JobQueue) async throws -> UUID {
        try await queue.enqueue(job(runID: runID, companyID: companyID))
    }

    /// The payload of a saved search's schedule.
    public static func schedulePayload(searchID: UUID) -> String {
        InboxJobs.encode(Payload(searchID: searchID))
    }
}
