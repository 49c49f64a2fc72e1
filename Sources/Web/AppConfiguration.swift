import Foundation
import Workers

/// Everything the web application needs to know at start-up, from the command line and the
/// environment. Defaults make `smartysales serve` work on a fresh clone.
public struct AppConfiguration: Sendable {
    public var hostname: String = "127.0.0.1"
    public var port: Int = 8080
    public var dataDirectory: URL = URL(fileURLWithPath: "var", isDirectory: true)
    /// `DATABASE_URL`; `nil` means SQLite in the data directory.
    public var databaseURL: String?
    public var logDirectory: URL?
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Addresses of reverse proxies whose `X-Forwarded-Proto`/`X-Forwarded-For` we believe.
    public var trustedProxies: Set<String> = []
    /// Requests with larger bodies get 413.
    public var maxBodyBytes: Int = 1 << 20
    public var runWorkers: Bool = true
    public var workerConcurrency: Int = 4
    /// How long a job this process claimed stays locked without renewal (`--job-lease-seconds`):
    /// after a kill, its jobs wait this long before another worker takes them. Shorter means a
    /// faster recovery and more frequent lease renewals (every third of it).
    public var jobLeaseSeconds: TimeInterval = 60
    /// How often every mailbox is polled (`--sync-interval-seconds`): the schedules this process
    /// creates when a mailbox is added or resumed, and its workers' at start-up.
    public var syncIntervalSeconds: TimeInterval = InboxScheduling.defaultSyncInterval
    /// How this process's workers open mailboxes (tests set a smaller sync batch here).
    public var connectorOptions = MailboxConnectorFactory.Options()
    /// Cost 12 is the floor we promise; tests may lower it only through this setting.
    public var bcryptCost: UInt8 = 12
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init() {}

    public var servesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }

    public var resolvedLogDirectory: URL {
        logDirectory ?? dataDirectory.appendingPathComponent("log", isDirectory: true)
    }
}
