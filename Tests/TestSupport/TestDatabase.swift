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
            return .postgres(url: try await PostgresTemplates.shared.cloneDatabase(serverURL: configured))
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
        let persistence = try await Persistence.open(location, logger: logger)
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

/// Creates the per-process template database once and clones it for each test.
actor PostgresTemplates {
    static let shared = PostgresTemplates()

    private var templateName: String?

    func cloneDatabase(serverURL: String) async throws -> String {
        let admin = try await Persistence.open(.postgres(url: serverURL), logger: TestDatabase.logger, maxConnectionsPerEventLoop: 1)
        defer { Task { await admin.shutdown() } }
        guard let sql = admin.database as? any SQLDatabase else { fatalError("PostgreSQL driver is not SQL") }
        let template: String
        if let existing = templateName {
            template = existing
        } else {
            template = "tmpl_\(ProcessInfo.processInfo.processIdentifier)_\(Int(Date().timeIntervalSince1970))"
            try await sql.raw("CREATE DATABASE \(unsafeRaw: template)").run()
            let migrating = try await Persistence.open(.postgres(url: Self.url(serverURL, database: template)), logger: TestDatabase.logger, maxConnectionsPerEventLoop: 1)
            try await migrating.migrate()
            await migrating.shutdown()
            templateName = template
        }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await sql.raw("CREATE DATABASE \(unsafeRaw: name) TEMPLATE \(unsafeRaw: template) STRATEGY FILE_COPY").run()
        await admin.shutdown()
        return Self.url(serverURL, database: name)
    }

    static func url(_ serverURL: String, database: String) -> String {
        var components = URLComponents(string: serverURL)!
        components.path = "/" + database
        return components.string!
    }
}
