import Foundation

/// Where the data lives. SQLite in the data directory is the embedded default so a fresh machine
/// works with nothing installed; a `postgres://` URL is the engine for several nodes.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case sqliteMemory
    case postgres(url: String)

    /// Reads `DATABASE_URL`; anything but a PostgreSQL URL is refused rather than guessed at.
    public static func resolve(databaseURL: String?, dataDirectory: URL) throws -> DatabaseLocation {
        guard let databaseURL, !databaseURL.isEmpty else {
            return .sqliteFile(path: dataDirectory.appendingPathComponent("smartysales.sqlite").path)
        }
        if databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") {
            return .postgres(url: databaseURL)
        }
        if databaseURL.hasPrefix("sqlite://") {
            let path = String(databaseURL.dropFirst("sqlite://".count))
            return path == ":memory:" ? .sqliteMemory : .sqliteFile(path: path)
        }
        throw DatabaseLocationError.unsupported
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// Never prints the password of a PostgreSQL URL.
    public var description: String {
        switch self {
        case .sqliteFile(let path):
            return "sqlite:\(path)"
        case .sqliteMemory:
            return "sqlite::memory:"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres"
        }
    }
}

public enum DatabaseLocationError: Error, CustomStringConvertible {
    case unsupported

    public var description: String {
        "DATABASE_URL must start with postgres://, postgresql:// or sqlite://"
    }
}
