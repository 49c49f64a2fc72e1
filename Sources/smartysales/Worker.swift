import ArgumentParser
import Foundation
import ServiceLifecycle
import Storage
import Workers

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run background jobs only (any number of these may share one PostgreSQL database).")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Jobs run at once in this process.")
    var concurrency: Int = 4

    @Option(help: "Seconds a claimed job stays locked without renewal; a killed worker's jobs return after this.")
    var leaseSeconds: Double = 60

    func run() async throws {
        let logger = try storage.startLogging(label: "smartysales.worker")
        let persistence = try await storage.openDatabase(logger: logger)
        try await WorkerAssembly.scheduleHousekeeping(persistence: persistence)
        let runner = WorkerAssembly.jobRunner(persistence: persistence, concurrency: concurrency, logger: logger, lease: leaseSeconds)
        let group = ServiceGroup(
            services: [runner, DatabaseService(persistence: persistence)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
    }
}
