import ArgumentParser
import Foundation
import Logging
import Observability
import Storage
import Workers

/// Options every command that opens the database shares.
struct StorageOptions: ParsableArguments {
    @Option(help: "Directory for the SQLite database, the master key file and logs.")
    var dataDir: String = "var"

    @Option(help: "Directory for log files (default: DATA_DIR/log).")
    var logDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    var dataDirectory: URL { URL(fileURLWithPath: dataDir, isDirectory: true) }

    var logDirectory: URL { logDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? dataDirectory.appendingPathComponent("log", isDirectory: true) }

    var databaseURL: String? { ProcessInfo.processInfo.environment["DATABASE_URL"] }

    /// Sends logs to the daily JSON-lines file (and stderr) and returns the root logger.
    func startLogging(label: String) throws -> Logger {
        // Owner-only: the directory holds the database (password hashes, sealed credentials) and the key file.
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = try LoggingBootstrap.start(directory: logDirectory, level: Logger.Level(rawValue: logLevel) ?? .info, alsoToStderr: true)
        return Logger(label: label)
    }

    func openDatabase(logger: Logger) async throws -> Persistence {
        let location = try DatabaseLocation.resolve(databaseURL: databaseURL, dataDirectory: dataDirectory)
        logger.info("opening database", metadata: ["database": .string(location.description)])
        let persistence = try await Persistence.open(location, logger: logger)
        try await persistence.migrate()
        return persistence
    }
}

/// How often mailboxes are polled, for `serve` and `worker` alike (give both the same: each
/// renews the polling schedules with its own).
struct SyncOptions: ParsableArguments {
    @Option(help: "Seconds between two polls of a mailbox (10 to 86400); IDLE brings new mail sooner where the server offers it.")
    var syncIntervalSeconds: Int = Int(InboxScheduling.defaultSyncInterval)

    // For tests only (hence hidden): messages per IMAP fetch, changes per Exchange sync call,
    // so that a test can kill a sync between two of its batches.
    @Option(help: .hidden)
    var syncBatchSize: Int?

    func validate() throws {
        let range = InboxScheduling.syncIntervalRange
        guard range.contains(TimeInterval(syncIntervalSeconds)) else {
            throw ValidationError("--sync-interval-seconds must be between \(Int(range.lowerBound)) and \(Int(range.upperBound)), not \(syncIntervalSeconds)")
        }
        if let syncBatchSize, syncBatchSize < 1 { throw ValidationError("--sync-batch-size must be at least 1") }
    }

    /// How the workers open mailboxes: the connectors' defaults, but for `--sync-batch-size`.
    var connectorOptions: MailboxConnectorFactory.Options {
        var options = MailboxConnectorFactory.Options()
        if let syncBatchSize {
            options.imapBatchSize = syncBatchSize
            options.ewsChangesPerBatch = syncBatchSize
        }
        return options
    }
}
