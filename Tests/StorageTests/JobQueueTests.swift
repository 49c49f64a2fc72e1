import Domain
import Foundation
import Storage
import TestSupport
import Testing

@Suite struct JobQueueTests {
    @Test func claimTakesDueJobsOnceInOrder() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let later = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(60)))
            let first = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(-10)))
            let second = try await queue.enqueue(NewJob(kind: "k"))
            #expect(try await queue.claim(worker: "w1", lease: 300)?.id == first)
            #expect(try await queue.claim(worker: "w2", lease: 300)?.id == second)
            #expect(try await queue.claim(worker: "w1", lease: 300) == nil, "the delayed job is not due")
            clock.advance(by: 61)
            let claimed = try #require(try await queue.claim(worker: "w1", lease: 300))
            #expect(claimed.id == later)
            #expect(claimed.status == .running)
            #expect(claimed.attempts == 1)
            #expect(claimed.lockedBy == "w1")
        }
    }

    @Test func amongDueJobsTheHigherPriorityIsClaimedFirst() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            // Due longest ago, but the lowest priority: in run_at order it would come first.
            let low = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(-60)))
            let highLater = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(-5), priority: 20))
            let highEarlier = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(-10), priority: 20))
            let middle = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(-30), priority: 10))
            var order: [UUID] = []
            while let job = try await queue.claim(worker: "w", lease: 300) { order.append(job.id) }
            // Equal priorities keep their due order.
            #expect(order == [highEarlier, highLater, middle, low])
        }
    }

    @Test func aHighPriorityJobThatIsNotDueWaits() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let urgentLater = try await queue.enqueue(NewJob(kind: "k", runAt: clock.now().addingTimeInterval(30), priority: 100))
            let ordinary = try await queue.enqueue(NewJob(kind: "k"))
            #expect(try await queue.claim(worker: "w", lease: 300)?.id == ordinary)
            #expect(try await queue.claim(worker: "w", lease: 300) == nil, "the high-priority job is not due yet")
            clock.advance(by: 31)
            #expect(try await queue.claim(worker: "w", lease: 300)?.id == urgentLater)
        }
    }

    @Test func aScheduleKeepsItsPriorityAcrossRuns() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            try await queue.schedule(key: "plain", kind: "plain", every: 10)
            clock.advance(by: 1)
            try await queue.schedule(key: "urgent", kind: "urgent", every: 10, priority: 5)
            // Both due, the plain one longer: only its priority puts the urgent one ahead, in the
            // first run and again after its completion re-armed it (again due after the plain one).
            for round in 1...2 {
                let first = try #require(try await queue.claim(worker: "w", lease: 30), "round \(round)")
                let second = try #require(try await queue.claim(worker: "w", lease: 30), "round \(round)")
                #expect(first.kind == "urgent", "round \(round)")
                #expect(second.kind == "plain", "round \(round)")
                try await queue.complete(second.id, worker: "w")
                clock.advance(by: 1)
                try await queue.complete(first.id, worker: "w")
                clock.advance(by: 11)
            }
            // Scheduling again without a priority puts it back to 0: the plain one, due longer, wins.
            try await queue.schedule(key: "urgent", kind: "urgent", every: 10)
            #expect(try await queue.claim(worker: "w", lease: 30)?.kind == "plain")
        }
    }

    @Test func failuresBackOffThenDie() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock, retryPolicy: RetryPolicy(base: 10, cap: 100))
            let id = try await queue.enqueue(NewJob(kind: "k", maxAttempts: 3))
            for attempt in 1...3 {
                let job = try #require(try await queue.claim(worker: "w", lease: 30), "attempt \(attempt)")
                #expect(job.attempts == attempt)
                try await queue.fail(id, worker: "w", error: "boom \(attempt)")
                let after = try #require(try await queue.find(id))
                if attempt < 3 {
                    #expect(after.status == .queued)
                    #expect(after.runAt > clock.now(), "a retry waits")
                    #expect(after.runAt <= clock.now().addingTimeInterval(RetryPolicy(base: 10, cap: 100).ceiling(afterAttempt: attempt)))
                    clock.advance(by: 200)
                } else {
                    #expect(after.status == .dead)
                    #expect(after.lastError == "boom 3")
                }
            }
            #expect(try await queue.claim(worker: "w", lease: 30) == nil, "dead jobs stay dead")
        }
    }

    @Test func anExpiredLeaseHandsTheJobToAnotherWorker() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let id = try await queue.enqueue(NewJob(kind: "k"))
            _ = try #require(try await queue.claim(worker: "dying", lease: 30))
            clock.advance(by: 10)
            #expect(try await queue.renewLease(id, worker: "dying", lease: 30))
            clock.advance(by: 25)
            #expect(try await queue.claim(worker: "other", lease: 30) == nil, "the renewed lease still holds")
            clock.advance(by: 10)
            let retaken = try #require(try await queue.claim(worker: "other", lease: 30))
            #expect(retaken.id == id)
            #expect(retaken.attempts == 2)
            // The first worker wakes up late: it no longer owns the job and cannot finish it.
            #expect(!(try await queue.renewLease(id, worker: "dying", lease: 30)))
            try await queue.complete(id, worker: "dying")
            #expect(try await queue.find(id)?.status == .running)
            try await queue.complete(id, worker: "other")
            #expect(try await queue.find(id)?.status == .done)
        }
    }

    @Test func aJobWhoseWorkerDiedOnTheLastAttemptIsBuried() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            let id = try await queue.enqueue(NewJob(kind: "k", maxAttempts: 1))
            _ = try #require(try await queue.claim(worker: "w", lease: 5))
            clock.advance(by: 6)
            #expect(try await queue.claim(worker: "w2", lease: 5) == nil)
            let job = try #require(try await queue.find(id))
            #expect(job.status == .dead)
            #expect(job.lastError?.contains("lease expired") == true)
        }
    }

    @Test func periodicJobsReArmAndAreNotDuplicated() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            try await queue.schedule(key: "cleanup", kind: "k", every: 300)
            try await queue.schedule(key: "cleanup", kind: "k", every: 300)
            #expect(try await queue.counts(nil)[.queued] == 1)
            let job = try #require(try await queue.claim(worker: "w", lease: 30))
            try await queue.complete(job.id, worker: "w")
            let rearmed = try #require(try await queue.find(job.id))
            #expect(rearmed.status == .queued)
            #expect(rearmed.runAt == clock.now().addingTimeInterval(300))
            #expect(try await queue.claim(worker: "w", lease: 30) == nil)
        }
    }

    @Test func liveJobsAndDeathsAreAnsweredPerTenantAndKind() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (companyA, _) = try await users.signUp(NewCompanyOwner(fullName: "A", email: EmailAddress("a@a.ru")!, companyName: "A", companyDescription: "", locale: .ru), passwordHash: "h")
            let (companyB, _) = try await users.signUp(NewCompanyOwner(fullName: "B", email: EmailAddress("b@b.ru")!, companyName: "B", companyDescription: "", locale: .ru), passwordHash: "h")
            let clock = TestClock()
            let queue = JobQueue(persistence: db, clock: clock)
            #expect(try await queue.hasLiveJob(kind: "k", companyID: companyA.id) == false)
            #expect(try await queue.lastDeath(kind: "k", companyID: companyA.id) == nil)

            let id = try await queue.enqueue(NewJob(kind: "k", companyID: companyA.id, maxAttempts: 2))
            try await queue.enqueue(NewJob(kind: "other", companyID: companyB.id))
            #expect(try await queue.hasLiveJob(kind: "k", companyID: companyA.id), "queued")
            #expect(try await queue.hasLiveJob(kind: "k", companyID: companyB.id) == false, "another tenant's kind is not A's")
            #expect(try await queue.hasLiveJob(kind: "other", companyID: companyA.id) == false, "another kind")
            _ = try #require(try await queue.claim(worker: "w", lease: 30, kinds: ["k"]))
            #expect(try await queue.hasLiveJob(kind: "k", companyID: companyA.id), "running")
            try await queue.fail(id, worker: "w", error: "boom")
            #expect(try await queue.find(id)?.status == .queued)
            #expect(try await queue.hasLiveJob(kind: "k", companyID: companyA.id), "waiting to retry")

            clock.advance(by: 3_600)
            _ = try #require(try await queue.claim(worker: "w", lease: 30, kinds: ["k"]))
            try await queue.fail(id, worker: "w", error: "boom again")
            #expect(try await queue.find(id)?.status == .dead)
            #expect(try await queue.hasLiveJob(kind: "k", companyID: companyA.id) == false, "dead is over")
            #expect(try await queue.lastDeath(kind: "k", companyID: companyA.id) == clock.now())
            #expect(try await queue.lastDeath(kind: "k", companyID: companyB.id) == nil)
            #expect(try await queue.lastDeath(kind: "other", companyID: companyA.id) == nil)
        }
    }

    @Test func retryIsScopedToTheTenant() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (companyA, anna) = try await users.signUp(NewCompanyOwner(fullName: "A", email: EmailAddress("a@a.ru")!, companyName: "A", companyDescription: "", locale: .ru), passwordHash: "h")
            let (_, boris) = try await users.signUp(NewCompanyOwner(fullName: "B", email: EmailAddress("b@b.ru")!, companyName: "B", companyDescription: "", locale: .ru), passwordHash: "h")
            let queue = JobQueue(persistence: db)
            let id = try await queue.enqueue(NewJob(kind: "k", companyID: companyA.id, maxAttempts: 1))
            _ = try await queue.claim(worker: "w", lease: 30)
            try await queue.fail(id, worker: "w", error: "provider said no")
            #expect(try await queue.deadJobs(anna.scope!).map(\.id) == [id])
            #expect(try await queue.deadJobs(boris.scope!).isEmpty)
            await #expect(throws: StorageError.notFound) { try await queue.retry(id, scope: boris.scope!) }
            try await queue.retry(id, scope: anna.scope!)
            #expect(try await queue.find(id)?.status == .queued)
        }
    }
}
