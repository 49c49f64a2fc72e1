import Domain
import EWSFake
import Foundation
import LLM
import Logging
import MIME
import MailProtocols
import Observability
import Storage
import Synchronization
import TestSupport
import Testing
@testable import Workers

/// Audit events kept in memory, for tests to read back.
final class MemoryAuditSink: AuditSink {
    private let events = Mutex<[AuditEvent]>([])

    func record(_ event: AuditEvent) async {
        events.withLock { $0.append(event) }
    }

    var all: [AuditEvent] { events.withLock { $0 } }

    func of(kind: String) -> [AuditEvent] { all.filter { $0.kind == kind } }
}

/// One test database with the inbox repositories, a tenant helper, Dovecot and fake Exchange
/// mailboxes, the pipeline and a way to run its jobs until the queue is empty.
struct PipelineWorld {
    let db: Persistence
    let secretBox: SecretBox
    let queue: JobQueue
    let users: UserRepository
    let mailboxes: MailboxRepository
    let messages: InboundMessageRepository
    let categories: CategoryRepository
    let rules: RuleRepository
    let classifications: ClassificationRepository
    let labels: LabelActionRepository
    let audit = MemoryAuditSink()

    init(_ db: Persistence) throws {
        self.db = db
        secretBox = SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1")))
        queue = JobQueue(persistence: db)
        users = UserRepository(persistence: db)
        mailboxes = MailboxRepository(persistence: db, secretBox: secretBox)
        messages = InboundMessageRepository(persistence: db)
        categories = CategoryRepository(persistence: db)
        rules = RuleRepository(persistence: db)
        classifications = ClassificationRepository(persistence: db)
        labels = LabelActionRepository(persistence: db)
    }

    static let logger: Logger = TestDatabase.logger

    /// Signs a company up (which seeds its categories in `locale`) and returns its owner.
    func tenant(_ email: String = "anna@romashka.ru", company: String = "Ромашка", locale: AppLocale = .ru) async throws -> TenantMember {
        let form = NewCompanyOwner(fullName: "Анна Петрова", email: EmailAddress(email)!, companyName: company, companyDescription: "", locale: locale)
        let (_, owner) = try await users.signUp(form, passwordHash: "hash")
        return try #require(owner.scope?.member)
    }

    /// A mailbox on the test Dovecot (implicit TLS, its CA as the mailbox's custom CA); SMTP goes
    /// to the relay on the test SMTP server when one is given, else to a port nobody listens on.
    static func dovecotDraft(_ server: MailTestServers.IMAP, smtp: MailTestServers.SMTPRelay? = nil,
                             address: String = "sales@smartysales.test", customCA: Bool = true) -> MailboxDraft {
        MailboxDraft(
            kind: .imap, displayName: "Dovecot", address: EmailAddress(address)!, username: server.username,
            connection: .imap(IMAPSMTPSettings(
                imap: MailServerSettings(host: server.host, port: server.implicitTLSPort, tls: .implicit),
                smtp: MailServerSettings(host: smtp?.host ?? "127.0.0.1", port: smtp?.plainPort ?? 9, tls: .none),
                customCAPEM: customCA ? server.caPEM : nil)))
    }

    func dovecotMailbox(_ member: TenantMember, _ server: MailTestServers.IMAP, secret: String? = nil) async throws -> Mailbox {
        try await mailboxes.create(member, Self.dovecotDraft(server), secret: secret ?? server.password)
    }

    /// A mailbox nobody connects to (for tests with a scripted connector).
    func offlineMailbox(_ member: TenantMember, address: String = "sales@romashka.ru") async throws -> Mailbox {
        let draft = MailboxDraft(
            kind: .imap, displayName: "Продажи", address: EmailAddress(address)!, username: address,
            connection: .imap(IMAPSMTPSettings(
                imap: MailServerSettings(host: "127.0.0.1", port: 9, tls: .implicit),
                smtp: MailServerSettings(host: "127.0.0.1", port: 9, tls: .none))))
        return try await mailboxes.create(member, draft, secret: "app-password-1")
    }

    /// A mailbox on the fake Exchange server, signing in as its account (`CORP\anna` and its
    /// password) with `auth`, at the fake's EWS URL (plain HTTP on loopback, which only
    /// `exchangeFactory` lets through).
    func exchangeMailbox(_ member: TenantMember, _ server: FakeEWSServer, auth: ExchangeAuth) async throws -> Mailbox {
        let draft = MailboxDraft(
            kind: .exchange, displayName: "Exchange", address: EmailAddress(server.account.upn)!, username: server.account.login,
            connection: .exchange(ExchangeSettings(ewsURL: server.ewsURL.absoluteString, auth: auth)))
        return try await mailboxes.create(member, draft, secret: server.account.password)
    }

    static func factory(folder: String, batchSize: Int = 200) -> MailboxConnectorFactory {
        MailboxConnectorFactory(options: MailboxConnectorFactory.Options(
            imapFolder: folder, imapBatchSize: batchSize, connectTimeout: .seconds(10), commandTimeout: .seconds(30)))
    }

    /// The factory for mailboxes on the fake Exchange server: `http://127.0.0.1` allowed, and
    /// `changesPerBatch` changes a SyncFolderItems (a batch the sync stores before asking again).
    static func exchangeFactory(changesPerBatch: Int = 100) -> MailboxConnectorFactory {
        MailboxConnectorFactory(options: MailboxConnectorFactory.Options(
            ewsChangesPerBatch: changesPerBatch, allowsInsecureEWSOnLoopback: true, connectTimeout: .seconds(10), commandTimeout: .seconds(30)))
    }

    /// The pipeline over this database; `factory` opens the mailboxes (by default the Dovecot
    /// one for `folder`), unless `connectors` are given. Its queue and repositories read `clock`.
    func pipeline(
        folder: String = "INBOX", batchSize: Int = 200, llm: any LLMConfigurationSource = FixedLLMConfigurationSource([]),
        factory: MailboxConnectorFactory? = nil, connectors: (any MailboxConnecting)? = nil,
        maximumMessagesPerSync: Int = InboxSyncJob.defaultMaximumMessagesPerRun, clock: any StorageClock = SystemStorageClock()
    ) -> InboxPipeline {
        InboxPipeline(
            persistence: db, secretBox: secretBox, auditSink: audit, llmConfigurations: llm,
            factory: factory ?? Self.factory(folder: folder, batchSize: batchSize), connectors: connectors, clock: clock,
            maximumMessagesPerSync: maximumMessagesPerSync, logger: Self.logger)
    }

    static var context: JobContext { JobContext(worker: "test", logger: logger) }

    /// A job as a worker would hold it, for running a handler directly.
    static func job(_ new: NewJob) -> Job {
        Job(id: UUID(), kind: new.kind, companyID: new.companyID, payload: new.payload, status: .running, runAt: Date(),
            attempts: 1, maxAttempts: new.maxAttempts, lastError: nil, lockedBy: "test", lockedUntil: nil,
            createdAt: Date(), updatedAt: Date())
    }

    /// Claims and runs inbox jobs (through the job runner, so failures are recorded as a worker
    /// records them) until none is due; with `runsPerJob` above 1 each handler runs that many
    /// times on the same job first. Returns how many jobs of each kind ran.
    @discardableResult
    func drain(_ pipeline: InboxPipeline, runsPerJob: Int = 1, maximumJobs: Int = 500) async throws -> [String: Int] {
        let runner = JobRunner(queue: queue, handlers: pipeline.handlers,
                               configuration: .init(workerName: "test", concurrency: 1, lease: 600), logger: Self.logger)
        var ran: [String: Int] = [:]
        var count = 0
        while count < maximumJobs, let job = try await queue.claim(worker: "test", lease: 600, kinds: InboxJobs.allKinds) {
            count += 1
            ran[job.kind, default: 0] += 1
            if runsPerJob > 1, let handler = pipeline.handlers.first(where: { $0.kind == job.kind }) {
                for _ in 1..<runsPerJob {
                    try await handler.run(job, context: Self.context)
                }
            }
            await runner.execute(job)
        }
        return ran
    }

    /// Every stored message of the tenant with its verdict, newest first.
    func inbox(_ member: TenantMember) async throws -> [InboxEntry] {
        try await messages.list(.tenant(member), limit: 500).entries
    }

    /// Every label action of every stored message of the tenant.
    func actions(_ member: TenantMember) async throws -> [LabelAction] {
        var all: [LabelAction] = []
        for entry in try await inbox(member) {
            all += try await labels.actions(forMessage: entry.message.id, scope: .tenant(member))
        }
        return all
    }
}

/// A session on the test Dovecot for setting folders up and reading them back.
enum DovecotHelper {
    static func session(_ server: MailTestServers.IMAP) async throws -> IMAPClient {
        let client = IMAPClient(endpoint: MailServerEndpoint(
            host: server.host, port: server.implicitTLSPort, tls: .implicit, trust: .customCA(pem: Array(server.caPEM.utf8)),
            connectTimeout: .seconds(10), commandTimeout: .seconds(30)))
        try await client.connect()
        try await client.login(username: server.username, password: server.password)
        return client
    }

    /// Creates `folder` and appends the corpus, received a minute apart up to now.
    static func fill(_ folder: String, with corpus: [PipelineCorpus.Message], using client: IMAPClient) async throws {
        try await client.create(folder)
        let start = Date().addingTimeInterval(-Double(corpus.count) * 60)
        let appends = corpus.enumerated().map { index, message in
            IMAPAppendMessage(message: message.bytes, internalDate: start.addingTimeInterval(Double(index) * 60))
        }
        try await client.append(mailbox: folder, messages: appends)
    }

    static func remove(_ folder: String, using client: IMAPClient) async throws {
        _ = try await client.examine("INBOX")
        try await client.delete(folder)
    }

    /// Keywords (flags that are not system flags) of every message in `folder`, by UID.
    static func keywords(in folder: String, using client: IMAPClient) async throws -> [UInt32: Set<String>] {
        let status = try await client.examine(folder)
        guard status.messageCount > 0 else { return [:] }
        var result: [UInt32: Set<String>] = [:]
        for message in try await client.fetch(uidRange: 1...UInt32.max, items: [.uid, .flags]) {
            guard let uid = message.uid else { continue }
            result[uid] = Set((message.flags ?? []).filter { !$0.hasPrefix("\\") })
        }
        return result
    }

    /// The UID in a stored `imap:<uidvalidity>:<uid>` id.
    static func uid(of message: InboundMessage) -> UInt32? {
        guard case .uid(_, let uid)? = IMAPItemID(MailboxItemID(message.providerItemID)) else { return nil }
        return uid
    }

    static func uidValidity(of message: InboundMessage) -> UInt32? {
        guard case .uid(let validity, _)? = IMAPItemID(MailboxItemID(message.providerItemID)) else { return nil }
        return validity
    }

    /// Where a rule moved the message, from its stored `imap:<uidvalidity>:<uid>:<folder>` id.
    static func movedLocation(of message: InboundMessage) -> (folder: String, uidValidity: UInt32, uid: UInt32)? {
        guard let itemID = message.movedTo?.itemID,
              case .uidInFolder(let folder, let uidValidity, let uid)? = IMAPItemID(MailboxItemID(itemID)) else { return nil }
        return (folder, uidValidity, uid)
    }
}

/// A folder of its own on the test Dovecot, filled with the corpus, removed afterwards whatever happens.
enum DovecotFolder {
    static func with<T>(
        _ label: String, count: Int = 60,
        _ body: (_ server: MailTestServers.IMAP, _ helper: IMAPClient, _ folder: String, _ corpus: [PipelineCorpus.Message]) async throws -> T
    ) async throws -> T {
        let server = try MailTestServers.imap()
        let helper = try await DovecotHelper.session(server)
        let folder = MailTestServers.uniqueFolder(label)
        let corpus = PipelineCorpus.messages(tag: folder, count: count)
        do {
            try await DovecotHelper.fill(folder, with: corpus, using: helper)
            let result = try await body(server, helper, folder, corpus)
            try? await DovecotHelper.remove(folder, using: helper)
            await helper.logout()
            return result
        } catch {
            try? await DovecotHelper.remove(folder, using: helper)
            await helper.logout()
            throw error
        }
    }
}
