import Domain
import Foundation
import Storage

/// A diagnostic job: records which worker ran it, optionally after a pause. `smartysales admin
/// probe` enqueues a batch to check that workers are alive and share the queue; the test suite
/// uses it to prove each job runs exactly once and survives a killed worker.
public struct ProbeJob: JobHandler {
    public static let kind = "diagnostics.probe"
    public var kind: String { Self.kind }

    let queue: JobQueue

    public init(queue: JobQueue) {
        self.queue = queue
    }

    struct Payload: Codable {
        var sleepMilliseconds: Int?
        var failTimes: Int?
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let payload = (try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8))) ?? Payload()
        if let failTimes = payload.failTimes, job.attempts <= failTimes {
            throw ProbeFailure(attempt: job.attempts)
        }
        if let pause = payload.sleepMilliseconds, pause > 0 {
            try await Task.sleep(for: .milliseconds(min(pause, 600_000)))
        }
        try await queue.recordProbeRun(jobID: job.id, worker: context.worker)
    }

    public static func payload(sleepMilliseconds: Int? = nil, failTimes: Int? = nil) -> String {
        let data = try! JSONEncoder().encode(Payload(sleepMilliseconds: sleepMilliseconds, failTimes: failTimes))
        return String(decoding: data, as: UTF8.self)
    }
}

struct ProbeFailure: Error, CustomStringConvertible {
    let attempt: Int
    var description: String { "probe asked to fail on attempt \(attempt)" }
}
