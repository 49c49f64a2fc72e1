import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// The open database: one Fluent `Databases` plus the event loops it runs on. Repositories take
/// this and ask it for a `Database` handle per operation.
public final class Persistence: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    private let eventLoopGroup: any EventLoopGroup
    private let ownsEventLoopGroup: Bool
    private let threadPool: NIOThreadPool
    let logger: Logger
    /// Wakes this process's job runners when it queues a job (`JobQueue`, and the inbox store,
    /// which queues classify jobs in its own transaction).
    public let jobArrivals = JobArrivals()

    private init(location: DatabaseLocation, databases: Databases, eventLoopGroup: any EventLoopGroup, ownsEventLoopGroup: Bool, threadPool: NIOThreadPool, logger: Logger) {
        self.location = location
        self.databases = databases
        self.eventLoopGroup = eventLoopGroup
        self.ownsEventLoopGroup = ownsEventLoopGroup
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Opens (and for SQLite creates) the database. Does not migrate: see ``migrate()``.
    public static func open(_ location: DatabaseLocation, logger: Logger, maxConnectionsPerEventLoop: Int = 4) async throws -> Persistence {
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let group: any EventLoopGroup
        let ownsGroup: Bool
        switch location {
        case .sqliteFile, .sqliteMemory:
            // One event loop means one SQLite connection: writes are serialised in-process instead
            // of spinning on SQLITE_BUSY, and an in-memory database is the same database everywhere.
            group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            ownsGroup = true
        case .postgres:
            group = MultiThreadedEventLoopGroup.singleton
            ownsGroup = false
        }
        let databases = Databases(threadPool: threadPool, on: group)
        switch location {
        case .sqliteFile(let path):
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .sqliteMemory:
            databases.use(.sqlite(.memory, sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: maxConnectionsPerEventLoop, sqlLogLevel: .trace), as: .psql)
        }
        let persistence = Persistence(location: location, databases: databases, eventLoopGroup: group, ownsEventLoopGroup: ownsGroup, threadPool: threadPool, logger: logger)
        if case .sqliteFile = location {
            // WAL lets readers (web pages) proceed while a worker writes, and survives a crash.
            _ = try await persistence.sql.raw("PRAGMA journal_mode=WAL").all()
            // The pool holds one connection (see above), so its settings hold for the process.
            // SQLite's default page cache is 2 MB: a mailbox of 10,000 messages is already 25 MB,
            // and every query beyond the cache read its pages again with a system call each. A
            // memory map as well (`mmap_size`) took the write-heavy `scripts/bench enrich` from 78%
            // to 72% of ideal, for no gain the pipeline benchmark could tell from its noise.
            _ = try await persistence.sql.raw("PRAGMA cache_size=-65536").all()
        }
        try await persistence.refreshPlannerStatistics(checkingAllTables: true)
        return persistence
    }

    /// Lets SQLite's query planner know how the tables have grown (`PRAGMA optimize`, which
    /// analyses only tables that were never analysed or have grown or shrunk tenfold, with a
    /// bounded sample). Without statistics SQLite guesses that `company_id = ?` picks a few
    /// rows, and for `company_id = ? AND message_id IN (…)` it walked a tenant's whole
    /// `(company_id, needs_review)` index instead of the unique `message_id` one: 8 ms instead
    /// of 0.3 ms at 10,000 messages, twice per classify job. `DatabaseService` calls this every
    /// few seconds, since a first import grows the inbox tables from nothing in seconds.
    /// PostgreSQL keeps its own statistics (autovacuum), so there this does nothing.
    public func refreshPlannerStatistics(checkingAllTables: Bool = false) async throws {
        guard !location.isPostgres else { return }
        if checkingAllTables {
            _ = try await sql.raw("PRAGMA optimize=0x10002").all()
        } else {
            _ = try await sql.raw("PRAGMA optimize").all()
        }
    }

    /// A database handle for one unit of work.
    public var database: any Database {
        databases.database(logger: logger, on: eventLoopGroup.any())!
    }

    var sql: any SQLDatabase { database as! any SQLDatabase }

    public func migrate() async throws {
        let migrator = Migrator(databases: databases, migrations: SchemaMigrations.all, logger: logger, on: eventLoopGroup.any(), migrationLogLevel: .debug)
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// Names of migrations already applied, oldest first (for `smartysales migrate` output).
    public func appliedMigrations() async throws -> [String] {
        try await sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch, created_at").all().map { try $0.decode(column: "name", as: String.self) }
    }

    /// A trivial round trip, for `/readyz`.
    public func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS ok").first()
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        if ownsEventLoopGroup {
            try? await eventLoopGroup.shutdownGracefully()
        }
    }
}
