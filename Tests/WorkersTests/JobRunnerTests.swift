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
