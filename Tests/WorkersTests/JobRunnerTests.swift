import Domain
import Foundation
import Logging
import ServiceLifecycle
import Storage
import TestSupport
import Testing
@testable import Workers

@Suite struct JobRunnerTests {
    @Test func runnerRetriesAFailingJobUntilItSucceeds() async throws {
        try await TestDatabase.with { db in
            let queue = JobQueue(persistence: db, retryPolicy: RetryPolicy(base: 0.01, cap: 0.01))
            let id = try await queue.enqueue(NewJob(kind: ProbeJob.kind, payload: ProbeJob.payload(failTimes: 2), maxAttempts: 5))
            let runner = JobRunner(queue: queue, handlers: [ProbeJob(queue: queue)],
                                   configuration: .init(workerName: "test", concurrency: 1, lease: 10, idlePoll: 0.05), logger: TestDatabase.logger)
            for _ in 0..<3 {
                if let job = try await queue.claim(worker: "test", lease: 10) {
                    await runner.execute(job)
                }
                try await Task.sleep(for: .seconds(1.1))
            }
            let job = try #require(try await queue.find(id))
            #expect(job.status == .done)
            #expect(job.attempts == 3)
            #expect(try await queue.probeRuns().perJob[id] == 1)
        }
    }

    /// An idle runner polls rarely here (every 10 minutes); a job this process queues wakes it at
    /// once. The bounds are wide because the whole suite shares two cores, where a task can wait
    /// seconds for a thread; what they tell apart is a wake-up from a poll.
    @Test func aJobQueuedInThisProcessWakesAnIdleRunnerBeforeItsNextPoll() async throws {
        try await TestDatabase.with { db in
            let queue = JobQueue(persistence: db)
            let runner = JobRunner(queue: queue, handlers: [ProbeJob(queue: queue)],
                                   configuration: .init(workerName: "test", concurrency: 2, lease: 10, idlePoll: 600), logger: TestDatabase.logger)
            let running = Task { try await runner.run() }
            defer { running.cancel() }
            // Both slots have found the queue empty and gone to wait.
            try await Task.sleep(for: .milliseconds(500))
            let queuedAt = ContinuousClock.now
            let id = try await queue.enqueue(NewJob(kind: ProbeJob.kind, payload: ProbeJob.payload()))
            var status = try await queue.find(id)?.status
            while status != .done && ContinuousClock.now - queuedAt < .seconds(120) {
                try await Task.sleep(for: .milliseconds(20))
                status = try await queue.find(id)?.status
            }
            #expect(status == .done)
            #expect(ContinuousClock.now - queuedAt < .seconds(120), "the job waited for the next poll")
            running.cancel()
            _ = await running.result
        }
    }

    /// Bounds as wide as above, against waits of 10 minutes.
    @Test func arrivalsWakeWaitersAndNeverSleepThroughAJobQueuedBeforeTheWait() async throws {
        let arrivals = JobArrivals()
        // Queued between looking at the queue and starting to wait: no wait at all.
        let seen = arrivals.generation
        arrivals.notify()
        let start = ContinuousClock.now
        await arrivals.wait(after: seen, timeout: .seconds(600))
        #expect(ContinuousClock.now - start < .seconds(120))

        // Waiting when the job arrives: woken.
        let current = arrivals.generation
        let waiter = Task { await arrivals.wait(after: current, timeout: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(200))
        let notified = ContinuousClock.now
        arrivals.notify()
        await waiter.value
        #expect(ContinuousClock.now - notified < .seconds(120))

        // Nothing arrives: the timeout ends the wait; cancellation ends it sooner.
        let quiet = ContinuousClock.now
        await arrivals.wait(after: arrivals.generation, timeout: .milliseconds(100))
        #expect(ContinuousClock.now - quiet >= .milliseconds(100))
        let cancelled = Task { await arrivals.wait(after: arrivals.generation, timeout: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(100))
        let cancelledAt = ContinuousClock.now
        cancelled.cancel()
        await cancelled.value
        #expect(ContinuousClock.now - cancelledAt < .seconds(120))
    }

    @Test func aJobThatKeepsFailingEndsDeadWithItsError() async throws {
        try await TestDatabase.with { db in
            let queue = JobQueue(persistence: db, retryPolicy: RetryPolicy(base: 0.01, cap: 0.01))
            let id = try await queue.enqueue(NewJob(kind: ProbeJob.kind, payload: ProbeJob.payload(failTimes: 10), maxAttempts: 2))
            let runner = JobRunner(queue: queue, handlers: [ProbeJob(queue: queue)],
                                   configuration: .init(workerName: "test", concurrency: 1, lease: 10), logger: TestDatabase.logger)
            for _ in 0..<2 {
                let job = try #require(try await queue.claim(worker: "test", lease: 10))
                await runner.execute(job)
                try await Task.sleep(for: .seconds(1.1))
            }
            let job = try #require(try await queue.find(id))
            #expect(job.status == .dead)
            #expect(job.lastError == "probe asked to fail on attempt 2")
        }
    }
}
