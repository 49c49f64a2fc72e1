import Domain
import Foundation
import Logging
import Storage

/// `clients.enrichment_sweep`: a platform job, scheduled once (``scheduleKey``, every
/// ``interval``), that fails the clients whose enrichment a dead worker left "pending".
///
/// A worker killed during a client's last allowed attempt leaves the job buried by the queue and
/// the client "pending" for ever: nothing would change it until someone clicked a bulk button.
/// The sweep marks such a client "failed" with the usual "source unavailable, try again later"
/// reason, so it shows and can be retried. A client counts as abandoned when it has been pending
/// for longer than ``abandonedAfter`` and its tenant has no enrichment job queued, running or
/// waiting to retry (a client waiting out a provider's outage has one). Each tenant is handled
/// in its own scope; a run takes at most ``tenantsPerRun`` tenants and ``clientsPerTenant``
/// clients each, and the next run takes the rest.
public struct AbandonedEnrichmentSweep: JobHandler {
    public static let kind = "clients.enrichment_sweep"
    public var kind: String { Self.kind }

    public static let scheduleKey = "clients.enrichment_sweep"
    public static let interval: TimeInterval = 10 * 60
    /// Longer than a job's lease and its retries' first back-offs: a client this old with no live
    /// job of its tenant is waiting for nothing.
    public static let abandonedAfter: TimeInterval = 30 * 60
    public static let tenantsPerRun = 100
    public static let clientsPerTenant = 1_000
    /// The detail of the reason the client shows (a provider's words would go there).
    public static let detail = "the enrichment stopped without finishing (its worker stopped)"

    let clients: ClientRepository
    let now: @Sendable () -> Date

    public init(clients: ClientRepository, now: @escaping @Sendable () -> Date = { Date() }) {
        self.clients = clients
        self.now = now
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let failed = try await sweep()
        if failed > 0 {
            context.logger.notice("abandoned enrichments marked failed", metadata: ["clients": "\(failed)"])
        }
    }

    /// One pass over every tenant with old "pending" clients; returns how many were failed.
    @discardableResult
    public func sweep() async throws -> Int {
        let cutoff = now().addingTimeInterval(-Self.abandonedAfter)
        let reason = ProspectProblem.sourceStillUnavailable(Self.detail).stored
        var failed = 0
        for companyID in try await clients.companiesWithOldPending(updatedBefore: cutoff, limit: Self.tenantsPerRun) {
            failed += try await clients.failAbandonedPending(
                companyID: companyID, updatedBefore: cutoff, reason: reason, limit: Self.clientsPerTenant, unlessLive: ClientEnrichmentJob.kind)
        }
        return failed
    }

    /// Schedules the sweep (once for the platform); every start-up may call it again.
    public static func schedule(on queue: JobQueue) async throws {
        try await queue.schedule(key: scheduleKey, kind: kind, every: interval)
    }
}
