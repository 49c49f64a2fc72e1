import AsyncHTTPClient
import Domain
import Foundation
import LLM
import Logging
import Observability
import Storage

/// The inbox pipeline's handlers and services over one database: sync → classify → label, the
/// relabel after a correction, and the IDLE service. `WorkerAssembly` builds it for `serve` and
/// `worker`; tests build it with their own connector factory or connectors.
public struct InboxPipeline: Sendable {
    public let sync: InboxSyncJob
    public let classify: InboxClassifyJob
    public let label: InboxLabelJob
    public let relabel: InboxRelabelJob
    public let scheduling: InboxScheduling
    /// Messages a dead classify job left without a verdict; every sync round sweeps with it.
    public let recovery: UnclassifiedRecovery
    public let factory: MailboxConnectorFactory
    let mailboxes: MailboxRepository
    let queue: JobQueue
    let logger: Logger

    /// - Parameters:
    ///   - secretBox: opens the mailboxes' passwords.
    ///   - auditSink: `llm.call`, `inbox.classified`, `inbox.labelled` … events.
    ///   - httpClient: LLM providers and Exchange; the process's, never shut down here.
    ///   - llmConfigurations: which LLM providers classify a tenant's mail; by default the tenant's own
    ///     (`TenantLLMConfigurationSource`), else the platform's from the environment, else none.
    ///   - connectors: how mailboxes are opened; `factory` by default (tests give their own).
    ///   - connectorOptions: the default `factory`'s settings (a smaller sync batch for tests).
    ///   - syncInterval: seconds between two polls of a mailbox (`--sync-interval-seconds`).
    public init(
        persistence: Persistence, secretBox: SecretBox, auditSink: any AuditSink, httpClient: HTTPClient = ProviderHTTPClient.shared,
        llmConfigurations: (any LLMConfigurationSource)? = nil,
        factory: MailboxConnectorFactory? = nil, connectors: (any MailboxConnecting)? = nil,
        connectorOptions: MailboxConnectorFactory.Options = MailboxConnectorFactory.Options(),
        syncInterval: TimeInterval = InboxScheduling.defaultSyncInterval,
        rateLimiter: TenantRateLimiter = TenantRateLimiter(), prices: LLMPriceTable = LLMPriceTable(),
        clock: any StorageClock = SystemStorageClock(), maximumMessagesPerSync: Int = InboxSyncJob.defaultMaximumMessagesPerRun,
        logger: Logger
    ) {
        let queue = JobQueue(persistence: persistence, clock: clock)
        let mailboxes = MailboxRepository(persistence: persistence, secretBox: secretBox, clock: clock)
        let messages = InboundMessageRepository(persistence: persistence, clock: clock)
        let categories = CategoryRepository(persistence: persistence, clock: clock)
        let rules = RuleRepository(persistence: persistence, clock: clock)
        let classifications = ClassificationRepository(persistence: persistence, clock: clock)
        let llmConfigurations: any LLMConfigurationSource = llmConfigurations ?? TenantLLMConfigurationSource(
            settings: LLMProviderSettingsRepository(persistence: persistence, secretBox: secretBox, clock: clock))
        let labels = LabelActionRepository(persistence: persistence, clock: clock)
        let factory = factory ?? MailboxConnectorFactory(httpClient: httpClient, options: connectorOptions, logger: logger)
        let connectors: any MailboxConnecting = connectors ?? factory
        let now: @Sendable () -> Date = { clock.now() }
        self.factory = factory
        self.mailboxes = mailboxes
        self.queue = queue
        self.logger = logger
        scheduling = InboxScheduling(queue: queue, interval: syncInterval)
        let recovery = UnclassifiedRecovery(messages: messages, queue: queue, now: now)
        self.recovery = recovery
        sync = InboxSyncJob(
            mailboxes: mailboxes, messages: messages, labels: labels, queue: queue, connectors: connectors,
            replyLinker: ReplyLinker(messages: messages), audit: auditSink, locks: MailboxSyncLocks(), recovery: recovery,
            maximumMessagesPerRun: maximumMessagesPerSync, now: now)
        classify = InboxClassifyJob(
            messages: messages, categories: categories, rules: rules, classifications: classifications,
            storedClassifiers: EmbeddedClassifierRepository(persistence: persistence, clock: clock), labels: labels, queue: queue,
            llmConfigurations: llmConfigurations, httpClient: httpClient, limiter: rateLimiter, prices: prices, audit: auditSink, now: now)
        label = InboxLabelJob(mailboxes: mailboxes, messages: messages, labels: labels, queue: queue, connectors: connectors, audit: auditSink, now: now)
        relabel = InboxRelabelJob(
            mailboxes: mailboxes, messages: messages, categories: categories, rules: rules, classifications: classifications,
            labels: labels, queue: queue, connectors: connectors, audit: auditSink, now: now)
    }

    public var handlers: [any JobHandler] {
        [sync, classify, label, relabel]
    }

    /// The IDLE watchers; they connect with `factory`'s settings.
    public func idleService(configuration: MailboxIdleService.Configuration = MailboxIdleService.Configuration()) -> MailboxIdleService {
        MailboxIdleService(mailboxes: mailboxes, queue: queue, factory: factory, configuration: configuration, logger: logger)
    }

    /// Polling for every mailbox that has none yet, at this pipeline's interval (worker start-up).
    public func scheduleMailboxes() async throws {
        try await scheduling.scheduleAll(mailboxes)
    }
}
