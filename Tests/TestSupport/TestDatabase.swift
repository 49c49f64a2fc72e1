import FluentKit
import Foundation
import Logging
import SQLKit
import Storage

/// A fresh, migrated database for one test, on the engine `scripts/test` chose:
/// `SMARTYSALES_TEST_DATABASE=sqlite` (the default) or a `postgres://` URL of a throwaway server.
/// On PostgreSQL each test gets its own database cloned from a template migrated once per
/// process, so tests run in parallel without seeing each other's rows.
public enum TestDatabase {
    public static var configured: String {
        ProcessInfo.processInfo.environment["SMARTYSALES_TEST_DATABASE"] ?? "sqlite"
    }

    public static var isPostgres: Bool { configured.hasPrefix("postgres") }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    /// The location of a new, migrated, empty database.
    public static func makeLocation(sqliteFileIn directory: URL? = nil) async throws -> DatabaseLocation {
        if isPostgres {
            do {
                return .postgres(url: try await PostgresTemplates.shared.cloneDatabase(serverURL: configured))
            } catch {
                // PostgresNIO hides details from `description`; a failing test needs them.
                throw TestDatabaseError(detail: String(reflecting: error))
            }
        }
        let location: DatabaseLocation
        if let directory {
            location = .sqliteFile(path: directory.appendingPathComponent("test.sqlite").path)
        } else {
            location = .sqliteFile(path: FileManager.default.temporaryDirectory.appendingPathComponent("smartysales-test-\(UUID().uuidString).sqlite").path)
        }
        let persistence = try await Persistence.open(location, logger: logger)
        try await persistence.migrate()
        await persistence.shutdown()
        return location
    }

    /// Opens a new migrated database, runs `body`, and closes it.
    public static func with<T>(_ body: (Persistence) async throws -> T) async throws -> T {
        let location = try await makeLocation()
        // Two connections per event loop: a test needs few, and a hundred suites run at once
        // against one PostgreSQL server.
        let persistence = try await Persistence.open(location, logger: logger, maxConnectionsPerEventLoop: 2)
        defer { removeFiles(of: location) }
        do {
            let result = try await body(persistence)
            await persistence.shutdown()
            return result
        } catch {
            await persistence.shutdown()
            throw error
        }
    }
}

/// A SQLite test database is three files; PostgreSQL test databases go with the throwaway server.
private func removeFiles(of location: DatabaseLocation) {
    guard case .sqliteFile(let path) = location else { return }
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Creates the per-process template database once and clones it for each test.
actor PostgresTemplates {
    static let shared = PostgresTemplates()

    /// One creation for all callers: the actor is re-entered at every `await`, so a plain
    /// "created yet?" flag would let concurrent tests each try to create the template.
    private var template: Task<String, any Error>?

    func cloneDatabase(serverURL: String) async throws -> String {
        if template == nil {
            template = Task { try await Self.createTemplate(serverURL: serverURL) }
        }
        let templateName = try await template!.value
        let admin = try await Persistence.open(.postgres(url: serverURL), logger: TestDatabase.logger, maxConnectionsPerEventLoop: 1)
        do {
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await Self.sql(admin).raw("CREATE DATABASE \(unsafeRaw: name) TEMPLATE \(unsafeRaw: templateName) STRATEGY FILE_COPY").run()
            await admin.shutdown()
            return Self.url(serverURL, database: name)
        } catch {
            await admin.shutdown()
            throw error
        }
    }

    private static func createTemplate(serverURL: String) async throws -> String {
        let name = "tmpl_\(ProcessInfo.processInfo.processIdentifier)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try await Persistence.open(.postgres(url: serverURL), logger: TestDatabase.logger, maxConnectionsPerEventLoop: 1)
        try await sql(admin).raw("CREATE DATABASE \(unsafeRaw: name)").run()
        await admin.shutdown()
        let migrating = try await Persistence.open(.postgres(url: url(serverURL, database: name)), logger: TestDatabase.logger, maxConnectionsPerEventLoop: 1)
        try await migrating.migrate()
        await migrating.shutdown()
        return name
    }

    private static func sql(_ persistence: Persistence) -> any SQLDatabase {
        guard let sql = persistence.database as? any SQLDatabase else { fatalError("PostgreSQL driver is not SQL") }
        return sql
    }

    static func url(_ serverURL: String, database: String) -> String {
        var components = URLComponents(string: serverURL)!
        components.path = "/" + database
        return components.string!
    }
}

struct TestDatabaseError: Error, CustomStringConvertible {
    let detail: String
    var description: String { "test database setup failed: \(detail)" }
}
