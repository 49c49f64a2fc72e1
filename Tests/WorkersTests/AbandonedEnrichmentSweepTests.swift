import Domain
import Foundation
import ProviderFakes
import Storage
import TestSupport
import Testing
@testable import Workers

/// Clients a dead worker left "pending": the periodic sweep fails them with the "source
/// unavailable, try again later" reason once they have waited longer than
/// `AbandonedEnrichmentSweep.abandonedAfter` with no live enrichment job of their tenant, and
/// leaves alone recent ones, those a live job may still reach, and other tenants' with a live job.
/// The repositories, the queue and the sweep read one test clock.
@Suite struct AbandonedEnrichmentSweepTests {
    typealias World = ProspectsWorld

    @Test func clientsPendingLongWithNoLiveJobAreFailedAndRetryable() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let clock = world.clock
            let sweep = AbandonedEnrichmentSweep(clients: world.clients, now: { clock.now() })
            let anna = try await world.tenant()
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            let stuck = try await world.client(anna, .romashkaSoft)
            let fresh = try await world.client(anna, .lyutik)
            let untouched = try await world.client(anna, .yandex)
            let borisStuck = try await world.client(boris, .romashkaSoft)

            // Both tenants' clients were queued; their workers died and the jobs were buried.
            try await world.clients.markEnrichmentPending(companyID: anna.companyID, ids: [stuck.id], reason: nil)
            try await world.clients.markEnrichmentPending(companyID: boris.companyID, ids: [borisStuck.id], reason: nil)
            // Boris has a live enrichment job (another client's, waiting to retry): his pending
            // client may still be on its way.
            try await world.queue.enqueue(ClientEnrichmentJob.job(clientID: UUID(), companyID: boris.companyID))

            // Not old enough yet: nothing changes.
            clock.advance(by: AbandonedEnrichmentSweep.abandonedAfter - 60)
            #expect(try await sweep.sweep() == 0)
            #expect(try await world.reload(stuck).enrichment == .pending)

            // Anna queues another client now; then the first one's wait passes the limit.
            try await world.clients.markEnrichmentPending(companyID: anna.companyID, ids: [fresh.id], reason: nil)
            clock.advance(by: 120)
            #expect(try await sweep.sweep() == 1, "only Anna's old client")

            let failed = try await world.reload(stuck)
            #expect(failed.enrichment == .failed, "visible, and the bulk buttons take it again")
            let problem = try #require(failed.enrichmentError.flatMap(ProspectProblem.init(stored:)), "\(failed.enrichmentError ?? "nil")")
            #expect(problem.code == .sourceStillUnavailable)
            #expect(problem.englishText.hasPrefix("source unavailable, try again later"), "\(problem.englishText)")
            #expect(try await world.reload(fresh).enrichment == .pending, "queued half an hour ago at most")
            #expect(try await world.reload(untouched).enrichment == .notStarted)
            #expect(try await world.reload(borisStuck).enrichment == .pending, "Boris has a live job")

            // A second run finds nothing more of Anna's.
            #expect(try await sweep.sweep() == 0)
        }
    }

    @Test func aLiveJobOfTheTenantHoldsTheSweepBackUntilItIsOver() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let clock = world.clock
            let sweep = AbandonedEnrichmentSweep(clients: world.clients, now: { clock.now() })
            let anna = try await world.tenant()
            let client = try await world.client(anna, .romashkaSoft)
            try await ClientEnrichmentJob.enqueue(clientIDs: [client.id], companyID: anna.companyID, clients: world.clients, queue: world.queue)

            clock.advance(by: AbandonedEnrichmentSweep.abandonedAfter + 60)
            #expect(try await sweep.sweep() == 0, "its job is still queued")
            #expect(try await world.reload(client).enrichment == .pending)

            // The worker dies on the job's last attempt; the queue buries it.
            let job = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [ClientEnrichmentJob.kind]))
            try await world.queue.bury(job.id, worker: "test", error: "worker stopped")
            #expect(try await sweep.sweep() == 1)
            #expect(try await world.reload(client).enrichment == .failed)
        }
    }

    @Test func theSweepIsScheduledOnceAndRunsAsAJob() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let clock = world.clock
            let sweep = AbandonedEnrichmentSweep(clients: world.clients, now: { clock.now() })
            try await AbandonedEnrichmentSweep.schedule(on: world.queue)
            try await AbandonedEnrichmentSweep.schedule(on: world.queue)
            #expect(try await world.queue.scheduledInterval(key: AbandonedEnrichmentSweep.scheduleKey) == AbandonedEnrichmentSweep.interval)

            let anna = try await world.tenant()
            let client = try await world.client(anna, .romashkaSoft)
            try await world.clients.markEnrichmentPending(companyID: anna.companyID, ids: [client.id], reason: nil)
            clock.advance(by: AbandonedEnrichmentSweep.abandonedAfter + 60)
            let job = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [AbandonedEnrichmentSweep.kind]))
            #expect(job.companyID == nil, "a platform job")
            #expect(try await world.queue.claim(worker: "test", lease: 60, kinds: [AbandonedEnrichmentSweep.kind]) == nil, "one schedule")
            try await sweep.run(job, context: JobContext(worker: "test", logger: World.logger))
            #expect(try await world.reload(client).enrichment == .failed)
        }
    }
}
