import Domain
import Foundation
import Storage
import TestSupport
import Testing
import Workers

/// Real `smartysales worker` processes against one database: the guarantees that matter only
/// show up across processes.
@Suite(.serialized) struct WorkerProcessTests {
    /// `swift build --build-tests` puts the executable beside the test bundle.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("smartysales")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent/smartysales")
    }

    static func startWorker(_ location: DatabaseLocation, dataDir: URL, name: String, lease: Double = 30, concurrency: Int = 4) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["worker", "--data-dir", dataDir.path, "--concurrency", String(concurrency), "--lease-seconds", String(lease), "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        switch location {
        case .postgres(let url): environment["DATABASE_URL"] = url
        case .sqliteFile(let path): environment["DATABASE_URL"] = "sqlite://" + path
        case .sqliteMemory: break
        }
        environment["SMARTYSALES_MASTER_KEY"] = "k1:" + Data(repeating: 7, count: 32).base64EncodedString()
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let log = dataDir.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }

    /// A database that separate processes can open (a file for SQLite) and a directory for their logs.
    static func sharedDatabase() async throws -> (URL, DatabaseLocation, Persistence) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let location = try await TestDatabase.makeLocation(sqliteFileIn: directory)
        return (directory, location, try await Persistence.open(location, logger: TestDatabase.logger))
    }

    static func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    @Test func twoWorkerProcessesRunEachJobExactlyOnce() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build the smartysales executable first (scripts/test does)")
        let (directory, location, persistence) = try await Self.sharedDatabase()
        defer { Task { await persistence.shutdown() } }
        let queue = JobQueue(persistence: persistence)
        let count = 1_000
        try await queue.enqueue((0..<count).map { _ in NewJob(kind: ProbeJob.kind, payload: ProbeJob.payload()) })

        let first = try Self.startWorker(location, dataDir: directory, name: "w1")
        let second = try Self.startWorker(location, dataDir: directory, name: "w2")
        defer {
            first.terminate()
            second.terminate()
        }
        let drained = try await Self.waitUntil(timeout: .seconds(240)) {
            (try await queue.counts(nil)[.done] ?? 0) == count
        }
        #expect(drained, "the two workers should drain \(count) jobs")
        let runs = try await queue.probeRuns()
        #expect(runs.perJob.count == count, "every job ran")
        #expect(runs.perJob.values.allSatisfy { $0 == 1 }, "no job ran twice")
        #expect(runs.perWorker.count == 2, "both processes took part: \(runs.perWorker)")
        first.terminate()
        second.terminate()
        first.waitUntilExit()
        second.waitUntilExit()
        await persistence.shutdown()
    }

    @Test func aJobKilledMidRunIsRunAgainAfterItsLeaseExpires() async throws {
        let (directory, location, persistence) = try await Self.sharedDatabase()
        defer { Task { await persistence.shutdown() } }
        let queue = JobQueue(persistence: persistence)
        let id = try await queue.enqueue(NewJob(kind: ProbeJob.kind, payload: ProbeJob.payload(sleepMilliseconds: 3_000)))

        let doomed = try Self.startWorker(location, dataDir: directory, name: "doomed", lease: 2, concurrency: 1)
        let started = try await Self.waitUntil(timeout: .seconds(30)) { try await queue.find(id)?.status == .running }
        #expect(started)
        kill(doomed.processIdentifier, SIGKILL)
        doomed.waitUntilExit()
        #expect(doomed.terminationReason == .uncaughtSignal)
        #expect(try await queue.probeRuns().perJob[id] == nil, "the killed run never finished")

        let survivor = try Self.startWorker(location, dataDir: directory, name: "survivor", lease: 2, concurrency: 1)
        defer { survivor.terminate() }
        let finished = try await Self.waitUntil(timeout: .seconds(60)) { try await queue.find(id)?.status == .done }
        #expect(finished, "the job must run again once the dead worker's lease lapses")
        let job = try #require(try await queue.find(id))
        #expect(job.attempts == 2)
        #expect(try await queue.probeRuns().perJob[id] == 1)
        survivor.terminate()
        survivor.waitUntilExit()
        await persistence.shutdown()
    }
}
