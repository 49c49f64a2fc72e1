import ArgumentParser
import Foundation
import LLM
import Observability
import ServiceLifecycle
import Storage
import Workers

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run background jobs only (any number of these may share one PostgreSQL database).")

    @OptionGroup var storage: StorageOptions

    @OptionGroup var sync: SyncOptions

    @Option(help: "Jobs run at once in this process.")
    var concurrency: Int = 4

    @Option(help: "Seconds a claimed job stays locked without renewal; a killed worker's jobs return after this.")
    var leaseSeconds: Double = 60

    func run() async throws {
        let logger = try storage.startLogging(label: "smartysales.worker")
        // The same master key as `serve`: the worker opens the mailboxes' sealed passwords.
        let keyring = try MasterKeyring.load(environment: ProcessInfo.processInfo.environment, dataDirectory: storage.dataDirectory)
        let persistence = try await storage.openDatabase(logger: logger)
        let fileAudit = try FileAuditSink(file: DailyLogFile(directory: storage.logDirectory, prefix: FileAuditSink.filePrefix))
        let databaseAudit = BatchedAuditWriter(repository: AuditRepository(persistence: persistence))
        let inbox = InboxPipeline(
            persistence: persistence, secretBox: SecretBox(keyring: keyring),
            auditSink: FanOutAuditSink(sinks: [databaseAudit, fileAudit]),
            connectorOptions: sync.connectorOptions, syncInterval: TimeInterval(sync.syncIntervalSeconds),
            prices: try LLMPriceTable.load(environment: ProcessInfo.processInfo.environment), logger: logger)
        let prospects = ProspectsPipeline(
            persistence: persistence, secretBox: SecretBox(keyring: keyring),
            auditSink: FanOutAuditSink(sinks: [databaseAudit, fileAudit]),
            companyDataDefaults: CompanyDataPlatformDefaults(environment: ProcessInfo.processInfo.environment),
            prices: try LLMPriceTable.load(environment: ProcessInfo.processInfo.environment), logger: logger)
        try await WorkerAssembly.scheduleHousekeeping(persistence: persistence)
        try await inbox.scheduleMailboxes()
        // Shut down in reverse: the workers stop, then the audit writer flushes, then the database closes.
        let services: [any Service] = [DatabaseService(persistence: persistence), databaseAudit]
            + WorkerAssembly.services(persistence: persistence, inbox: inbox, prospects: prospects, concurrency: concurrency, logger: logger, lease: leaseSeconds)
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
    }
}
