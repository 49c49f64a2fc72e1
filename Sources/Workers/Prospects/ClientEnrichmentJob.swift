import Domain
import Foundation
import Logging
import Storage

/// `clients.enrich`: one client's enrichment (`ClientEnrichment`), the tenant in `Job.companyID`
/// and the client in the payload, `{"client_id": "…"}`. The web pages enqueue it through
/// `enqueue(clientIDs:companyID:clients:queue:)`, one job per client, so a bulk enrichment of a
/// thousand clients runs with the workers' concurrency and one client's outage retries alone.
///
/// Running a job twice is harmless: the second run finds the cache entry the first one wrote,
/// and the repository charges a client at most once a month.
public struct ClientEnrichmentJob: JobHandler {
    public static let kind = "clients.enrich"
    public var kind: String { Self.kind }

    public struct Payload: Codable, Sendable, Equatable {
        public var clientID: UUID

        public init(clientID: UUID) {
            self.clientID = clientID
        }

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
        }
    }

    public let enrichment: ClientEnrichment

    public init(enrichment: ClientEnrichment) {
        self.enrichment = enrichment
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let (payload, companyID) = try InboxJobs.decode(Payload.self, from: job)
        // The queue retries nothing after this attempt: the client must not stay "pending".
        let finalAttempt = job.attempts >= job.maxAttempts
        let report: EnrichmentReport
        do {
            report = try await enrichment.enrich(clientID: payload.clientID, companyID: companyID, finalAttempt: finalAttempt)
        } catch StorageError.notFound {
            // Deleted since it was queued (or another tenant's id): nothing left to enrich.
            context.logger.info("client to enrich not found", metadata: ["client_id": "\(payload.clientID)"])
            return
        } catch let error where finalAttempt && !(error is PermanentJobFailure) {
            // An outage is failed with its reason inside `enrich` (a `PermanentJobFailure`);
            // anything else that ends the last attempt (the database, a shutdown) is failed here.
            _ = try? await enrichment.clients.markEnrichmentFailed(
                payload.clientID, companyID: companyID, reason: ProspectProblem.gaveUp("\(error)").stored)
            throw error
        }
        context.logger.debug("client enriched", metadata: [
            "client_id": "\(payload.clientID)", "state": "\(report.state.rawValue)", "source": "\(report.source ?? "-")",
            "charged": "\(report.charge != nil)",
        ])
    }

    /// The job for one client of `companyID`.
    public static func job(clientID: UUID, companyID: UUID) -> NewJob {
        NewJob(kind: kind, companyID: companyID, payload: InboxJobs.encode(Payload(clientID: clientID)))
    }

    /// Marks the clients "enrichment pending" and queues a job for each, in that order: a
    /// client is never queued without showing as pending, and a worker that picks the job up
    /// at once finds the state it will change. `batchID` names a bulk request, whose progress the
    /// list then follows (`ClientRepository.enrichmentCounts(companyID:batchID:)`).
    public static func enqueue(clientIDs: [UUID], companyID: UUID, clients: ClientRepository, queue: JobQueue,
                               batchID: UUID? = nil) async throws {
        var seen = Set<UUID>()
        let ids = clientIDs.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { return }
        try await clients.markEnrichmentPending(companyID: companyID, ids: ids, reason: nil, batchID: batchID)
        try await queue.enqueue(ids.map { job(clientID: $0, companyID: companyID) })
    }
}
