import Domain
import Foundation
import Logging
import MailProtocols
import ServiceLifecycle
import Storage
import Synchronization

/// Holds one IMAP IDLE connection per active Gmail/IMAP mailbox whose server offers IDLE, and
/// queues an immediate `inbox.sync` when new mail arrives (EXISTS), so mail is in the inbox
/// seconds after it lands instead of at the next poll. The poll (`InboxScheduling`) stays as
/// the safety net, and servers without IDLE rely on it alone.
///
/// Every `refreshInterval` the list of mailboxes is read again: watchers start for new or
/// resumed mailboxes and stop for paused, removed, failing (status `error`: the sync job owns
/// the login then) or reconfigured ones. Never more than one connection per mailbox. A dropped
/// connection is made again after a back-off that doubles up to `maximumBackoff`. A watcher
/// keeps only its IMAP client (the transport reads line by line, with no per-watcher buffers
/// beyond NIO's), so hundreds fit in a worker. Graceful shutdown ends every IDLE with DONE and
/// LOGOUT before `run()` returns.
public struct MailboxIdleService: Service {
    public struct Configuration: Sendable {
        /// How often the mailbox list is read again. That is how the watchers learn of a mailbox
        /// added, resumed, reconfigured or paused in the web (a separate `worker` process has
        /// no other line to it), so it is short: mail arriving just after a mailbox is added
        /// comes by IDLE within seconds, not at the next poll. The price is one read of the
        /// mailbox rows that are not paused (hundreds at most per deployment; credentials are
        /// read only for a watcher that starts), negligible at 10 s.
        public var refreshInterval: Duration
        /// IDLE is re-issued this often (servers drop an idle connection after 30 minutes).
        public var reissueAfter: Duration
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// How long after the first EXISTS the sync job is due, so a burst of arrivals is one sync.
        public var syncDelay: Duration

        public init(
            refreshInterval: Duration = .seconds(10), reissueAfter: Duration = .seconds(600), initialBackoff: Duration = .seconds(5),
            maximumBackoff: Duration = .seconds(300), syncDelay: Duration = .seconds(1)
        ) {
            self.refreshInterval = refreshInterval
            self.reissueAfter = reissueAfter
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.syncDelay = syncDelay
        }
    }

    let mailboxes: MailboxRepository
    let queue: JobQueue
    let factory: MailboxConnectorFactory
    let configuration: Configuration
    let logger: Logger

    public init(mailboxes: MailboxRepository, queue: JobQueue, factory: MailboxConnectorFactory, configuration: Configuration = Configuration(), logger: Logger) {
        self.mailboxes = mailboxes
        self.queue = queue
        self.factory = factory
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        // Cancelled by graceful shutdown; the watchers are then stopped and awaited.
        await cancelWhenGracefulShutdown {
            await self.superviseWatchers()
        }
    }

    /// A running watcher and what it was started with, to notice a change of settings.
    private struct Watcher {
        let task: Task<Void, Never>
        let connection: MailboxConnection
        let username: String
    }

    func superviseWatchers() async {
        var watchers: [UUID: Watcher] = [:]
        while !Task.isCancelled {
            do {
                let wanted = try await mailboxes.listForSync().filter(Self.isWatched)
                let byID = Dictionary(wanted.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for (id, watcher) in watchers {
                    let current = byID[id]
                    if current == nil || current?.connection != watcher.connection || current?.username != watcher.username {
                        watcher.task.cancel()
                        await watcher.task.value
                        watchers[id] = nil
                    }
                }
                for mailbox in wanted where watchers[mailbox.id] == nil {
                    guard let settings = try await loginSettings(for: mailbox) else { continue }
                    let task = Task { await self.watch(mailbox, settings: settings) }
                    watchers[mailbox.id] = Watcher(task: task, connection: mailbox.connection, username: mailbox.username)
                }
            } catch is CancellationError {
                break
            } catch {
                logger.error("IDLE service could not read the mailboxes", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.refreshInterval)
        }
        for watcher in watchers.values { watcher.task.cancel() }
        for watcher in watchers.values { await watcher.task.value }
    }

    /// Gmail and IMAP mailboxes that are neither paused nor failing.
    static func isWatched(_ mailbox: Mailbox) -> Bool {
        guard mailbox.kind != .exchange, case .imap = mailbox.connection else { return false }
        return mailbox.status != .paused && mailbox.status != .error
    }

    private func loginSettings(for mailbox: Mailbox) async throws -> IMAPMailboxSettings? {
        do {
            let credentials = try await mailboxes.credentials(for: mailbox)
            return try factory.imapSettings(for: mailbox, credentials: credentials)
        } catch StorageError.notFound {
            return nil
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.warning("IDLE: the mailbox's login cannot be read", metadata: ["mailbox": "\(mailbox.id)", "error": "\(error)"])
            return nil
        }
    }

    /// One mailbox: connect, log in, open the folder, IDLE until cancelled; again after a
    /// back-off when the connection fails. Returns when the server has no IDLE (the poll covers it).
    func watch(_ mailbox: Mailbox, settings: IMAPMailboxSettings) async {
        var logger = self.logger
        logger[metadataKey: "mailbox"] = .string(mailbox.id.uuidString)
        let trigger = SyncTrigger(queue: queue, mailbox: mailbox, delay: configuration.syncDelay, logger: logger)
        var failures = 0
        while !Task.isCancelled {
            let client = IMAPClient(endpoint: settings.imap, logger: logger)
            do {
                try await client.connect()
                try await client.login(username: settings.username, password: settings.password, mechanism: settings.authentication)
                guard await client.capabilities.contains("IDLE") else {
                    logger.info("the IMAP server offers no IDLE; the mailbox is polled")
                    await client.logout()
                    return
                }
                _ = try await client.examine(settings.folder)
                failures = 0
                try await client.idle(reissueAfter: configuration.reissueAfter) { event in
                    if case .exists = event { await trigger.fire() }
                    return .keepIdling
                }
                await client.logout()
            } catch {
                await client.disconnect()
                if Task.isCancelled { return }
                failures += 1
                let refused = MailProblemText.isPermanent(error)
                let pause = refused ? configuration.maximumBackoff : Self.backoff(afterFailures: failures, configuration: configuration)
                logger.info("IDLE connection failed; trying again later", metadata: ["error": "\(error)", "retry_in": "\(pause)"])
                try? await Task.sleep(for: pause)
            }
        }
    }

    static func backoff(afterFailures failures: Int, configuration: Configuration) -> Duration {
        let doubled = configuration.initialBackoff * (1 << min(max(failures - 1, 0), 16))
        return min(doubled, configuration.maximumBackoff)
    }
}

/// Queues the sync for one mailbox when IDLE reports new mail: one job per burst. While a job it
/// queued is not yet due, further EXISTS add nothing (that job will fetch them too).
final class SyncTrigger: Sendable {
    private let queue: JobQueue
    private let mailbox: Mailbox
    private let delay: Duration
    private let logger: Logger
    private let dueAt = Mutex<ContinuousClock.Instant?>(nil)

    init(queue: JobQueue, mailbox: Mailbox, delay: Duration, logger: Logger) {
        self.queue = queue
        self.mailbox = mailbox
        self.delay = delay
        self.logger = logger
    }

    func fire() async {
        let now = ContinuousClock.now
        let claimed = dueAt.withLock { due -> Bool in
            if let due, now < due { return false }
            due = now + delay
            return true
        }
        guard claimed else { return }
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        do {
            try await queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: mailbox.companyID, runAt: Date().addingTimeInterval(seconds)))
        } catch {
            dueAt.withLock { $0 = nil }
            logger.warning("IDLE: could not queue a sync", metadata: ["error": "\(error)"])
        }
    }
}
