import Domain
import Foundation
import Storage
import TestSupport
import Testing
@testable import Workers

/// Messages a classify job that died left without a verdict: queued again by the sweep every
/// sync round runs and by `requeueNow` (the inbox's button), never beside a live classify job of
/// the tenant, not again within the back-off after a death, and never another tenant's. The
/// pipeline, its queue and its repositories read one test clock, so the messages' storing, a
/// job's death and the sweep's "now" are the test's to move.
@Suite struct UnclassifiedRecoveryTests {
    /// A message as the sync stores it; `tag` keeps two tenants' Message-IDs apart.
    static func message(_ index: Int, tag: String = "romashka") -> NewInboundMessage {
        NewInboundMessage(
            providerItemID: "item-\(index)", messageID: "\(tag)-\(index)@buyer.ru", fromAddress: "ivan\(index)@buyer.ru", fromName: nil,
            toAddresses: ["sales@\(tag).ru"], subject: "Прошу выставить счёт №\(index)", snippet: "Добрый день! Прошу выставить счёт.",
            receivedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(index) * 60))
    }

    /// A classify job of the tenant that failed for good just now, as one does when the tenant's
    /// LLM is down for its whole retry window.
    static func deadClassifyJob(_ messageIDs: [UUID], companyID: UUID, queue: JobQueue) async throws {
        let id = try await queue.enqueue(InboxJobs.classify(messageIDs: messageIDs, companyID: companyID))
        let claimed = try #require(try await queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.classifyKind]))
        try #require(claimed.id == id)
        try await queue.bury(id, worker: "test", error: "LLM provider unavailable")
    }

    /// Every due classify job, claimed (so the next look starts afresh).
    static func claimClassifyJobs(_ queue: JobQueue) async throws -> [Job] {
        var jobs: [Job] = []
        while let job = try await queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.classifyKind]) {
            jobs.append(job)
        }
        return jobs
    }

    static func messageIDs(of job: Job) throws -> [UUID] {
        try JSONDecoder().decode(InboxJobs.ClassifyPayload.self, from: Data(job.payload.utf8)).messageIDs
    }

    @Test func messagesADeadClassifyJobLeftAreQueuedAgainByALaterSyncAndClassified() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: ScriptedMailbox(count: 3, batchSize: 10)), clock: clock)
            let sync = PipelineWorld.job(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))

            // The first round stores three messages and queues their classify job; the job dies.
            try await pipeline.sync.run(sync, context: PipelineWorld.context)
            let stored = try await world.inbox(member).map(\.message.id)
            #expect(stored.count == 3)
            let first = try await Self.claimClassifyJobs(queue)
            #expect(first.count == 1, "the round's own job, and no second one beside it")
            let lost = try #require(first.first)
            try await queue.bury(lost.id, worker: "test", error: "LLM provider unavailable")
            #expect(try await world.messages.unclassified(companyID: member.companyID).count == 3)

            // Rounds within the back-off after the death queue nothing.
            clock.advance(by: UnclassifiedRecovery.backOffAfterDeath - 60)
            try await pipeline.sync.run(sync, context: PipelineWorld.context)
            #expect(try await Self.claimClassifyJobs(queue).isEmpty, "still backing off")

            // The first round after it queues the three again, and their job classifies them.
            clock.advance(by: 120)
            try await pipeline.sync.run(sync, context: PipelineWorld.context)
            let again = try await Self.claimClassifyJobs(queue)
            #expect(again.count == 1)
            let job = try #require(again.first)
            #expect(job.companyID == member.companyID)
            #expect(try Set(Self.messageIDs(of: job)) == Set(stored))
            try await pipeline.classify.run(job, context: PipelineWorld.context)
            try await queue.complete(job.id, worker: "test")
            #expect(try await world.inbox(member).allSatisfy { $0.classification != nil })
            let requeued = world.audit.of(kind: UnclassifiedRecovery.auditKind)
            #expect(requeued.count == 1)
            #expect(requeued.first?.companyID == member.companyID)
            #expect(requeued.first?.details["messages"] == "3")
            #expect(requeued.first?.details["trigger"] == "sweep")

            // Nothing waits any more, so the next round queues nothing.
            try await pipeline.sync.run(sync, context: PipelineWorld.context)
            #expect(try await Self.claimClassifyJobs(queue).isEmpty)
            #expect(world.audit.of(kind: UnclassifiedRecovery.auditKind).count == 1)
        }
    }

    @Test func nothingIsQueuedWhileAClassifyJobOfTheTenantIsQueuedRunningOrWaitingToRetry() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let messages = InboundMessageRepository(persistence: db, clock: clock)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let recovery = world.pipeline(clock: clock).recovery
            let stored = try await messages.store((1...3).map { Self.message($0) }, companyID: member.companyID, mailboxID: mailbox.id)
            clock.advance(by: UnclassifiedRecovery.minimumAge + 60)

            let live = try await queue.enqueue(InboxJobs.classify(messageIDs: [stored[0].id], companyID: member.companyID))
            #expect(try await recovery.sweep(companyID: member.companyID) == .alreadyQueued, "queued")
            #expect(try await recovery.requeueNow(companyID: member.companyID) == .alreadyQueued, "the button waits too")
            _ = try #require(try await queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.classifyKind]))
            #expect(try await recovery.sweep(companyID: member.companyID) == .alreadyQueued, "running")
            try await queue.fail(live, worker: "test", error: "provider timeout")
            #expect(try await queue.find(live)?.status == .queued)
            #expect(try await recovery.sweep(companyID: member.companyID) == .alreadyQueued, "waiting to retry")
            #expect(try await queue.counts(TenantScope.tenant(member))[.queued] == 1, "nothing was queued beside it")

            // Once it is over, the sweep queues the three (the job named one and left it unclassified).
            clock.advance(by: 10)
            let retried = try #require(try await queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.classifyKind]))
            try await queue.complete(retried.id, worker: "test")
            #expect(try await recovery.sweep(companyID: member.companyID) == .queued(messages: 3, jobs: 1))
            let queued = try await Self.claimClassifyJobs(queue)
            #expect(queued.count == 1)
            #expect(try Set(queued.flatMap { try Self.messageIDs(of: $0) }) == Set(stored.map(\.id)))
        }
    }

    @Test func afterADeathTheSweepWaitsItsBackOffWhileTheButtonDoesNot() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let messages = InboundMessageRepository(persistence: db, clock: clock)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let recovery = world.pipeline(clock: clock).recovery
            let stored = try await messages.store((1...2).map { Self.message($0) }, companyID: member.companyID, mailboxID: mailbox.id)
            clock.advance(by: UnclassifiedRecovery.minimumAge + 60)
            let diedAt = clock.now()
            try await Self.deadClassifyJob(stored.map(\.id), companyID: member.companyID, queue: queue)

            let resumesAt = diedAt.addingTimeInterval(UnclassifiedRecovery.backOffAfterDeath)
            clock.advance(by: UnclassifiedRecovery.backOffAfterDeath - 1)
            #expect(try await recovery.sweep(companyID: member.companyID) == .backingOff(until: resumesAt))
            #expect(try await Self.claimClassifyJobs(queue).isEmpty)
            clock.advance(by: 2)
            #expect(try await recovery.sweep(companyID: member.companyID) == .queued(messages: 2, jobs: 1))
            let swept = try #require(try await Self.claimClassifyJobs(queue).first)

            // The job the sweep queued dies too: the sweep waits again, a person's click does not.
            try await queue.bury(swept.id, worker: "test", error: "LLM provider unavailable")
            let backOffAgain = clock.now().addingTimeInterval(UnclassifiedRecovery.backOffAfterDeath)
            #expect(try await recovery.sweep(companyID: member.companyID) == .backingOff(until: backOffAgain))
            #expect(try await recovery.requeueNow(companyID: member.companyID) == .queued(messages: 2, jobs: 1))
        }
    }

    @Test func theSweepLeavesJustStoredMessagesToTheirOwnJobsWhileTheButtonTakesThem() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let clock = TestClock()
            let messages = InboundMessageRepository(persistence: db, clock: clock)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let recovery = world.pipeline(clock: clock).recovery
            _ = try await messages.store((1...2).map { Self.message($0) }, companyID: member.companyID, mailboxID: mailbox.id)
            clock.advance(by: UnclassifiedRecovery.minimumAge - 1)
            #expect(try await recovery.sweep(companyID: member.companyID) == .nothingWaiting)
            #expect(try await recovery.requeueNow(companyID: member.companyID) == .queued(messages: 2, jobs: 1))
        }
    }

    @Test func aTenantsRecoveryNeverTouchesAnotherTenant() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let messages = InboundMessageRepository(persistence: db, clock: clock)
            let anna = try await world.tenant()
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            let annasMailbox = try await world.offlineMailbox(anna)
            let borisMailbox = try await world.offlineMailbox(boris, address: "sales@lotos.ru")
            let pipeline = world.pipeline(clock: clock)
            let annas = try await messages.store((1...3).map { Self.message($0) }, companyID: anna.companyID, mailboxID: annasMailbox.id)
            let boriss = try await messages.store((1...2).map { Self.message($0, tag: "lotos") }, companyID: boris.companyID, mailboxID: borisMailbox.id)
            clock.advance(by: UnclassifiedRecovery.minimumAge + 60)
            // Boris has a classify job that died a moment ago and one waiting: neither holds Anna back.
            try await Self.deadClassifyJob([boriss[0].id], companyID: boris.companyID, queue: queue)
            let borisLive = try await queue.enqueue(InboxJobs.classify(messageIDs: [boriss[1].id], companyID: boris.companyID))

            #expect(try await pipeline.recovery.sweep(companyID: anna.companyID) == .queued(messages: 3, jobs: 1))
            #expect(try await pipeline.recovery.sweep(companyID: boris.companyID) == .alreadyQueued)
            let jobs = try await Self.claimClassifyJobs(queue)
            #expect(jobs.count == 2)
            #expect(jobs.filter { $0.companyID == boris.companyID }.map(\.id) == [borisLive], "Boris has only his own job")
            let annasJob = try #require(jobs.first { $0.companyID == anna.companyID })
            #expect(try Set(Self.messageIDs(of: annasJob)) == Set(annas.map(\.id)))

            try await pipeline.classify.run(annasJob, context: PipelineWorld.context)
            #expect(try await world.messages.unclassified(companyID: anna.companyID).isEmpty)
            let borisWaiting = try await world.messages.unclassified(companyID: boris.companyID)
            #expect(Set(borisWaiting.map(\.id)) == Set(boriss.map(\.id)), "Boris's messages are left as they were")
        }
    }

    @Test func manyAskingAtOnceQueueTheMessagesOnce() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let messages = InboundMessageRepository(persistence: db, clock: clock)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let recovery = world.pipeline(clock: clock).recovery
            let stored = try await messages.store((1...5).map { Self.message($0) }, companyID: member.companyID, mailboxID: mailbox.id)
            clock.advance(by: UnclassifiedRecovery.minimumAge + 60)

            // Sweeps of several mailboxes' rounds and clicks of the button, all at the same moment.
            let companyID = member.companyID
            let outcomes = try await withThrowingTaskGroup(of: UnclassifiedRecovery.Outcome.self, returning: [UnclassifiedRecovery.Outcome].self) { group in
                for attempt in 0..<6 {
                    group.addTask {
                        if attempt.isMultiple(of: 2) { return try await recovery.sweep(companyID: companyID) }
                        return try await recovery.requeueNow(companyID: companyID)
                    }
                }
                var all: [UnclassifiedRecovery.Outcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == .queued(messages: 5, jobs: 1) }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .alreadyQueued }.count == 5, "\(outcomes)")
            let jobs = try await Self.claimClassifyJobs(queue)
            #expect(jobs.count == 1)
            #expect(try jobs.flatMap { try Self.messageIDs(of: $0) }.sorted { $0.uuidString < $1.uuidString }
                    == stored.map(\.id).sorted { $0.uuidString < $1.uuidString })
        }
    }
}
