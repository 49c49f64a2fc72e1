import AsyncHTTPClient
import Domain
import Foundation
import Logging
import MailProtocols

/// Turns a stored mailbox and its login into a connector: `IMAPMailboxConnector` for Gmail and
/// IMAP mailboxes (their hosts, ports, TLS modes and custom CA), `EWSMailboxConnector` for
/// Exchange (the EWS URL, or Autodiscover from the address when there is none). Also the "test
/// connection" button (`testConnection`).
public struct MailboxConnectorFactory: MailboxConnecting {
    public struct Options: Sendable {
        /// The IMAP folder new mail is read from and labels are written in.
        public var imapFolder: String
        /// Messages per `fetchNew` on IMAP.
        public var imapBatchSize: Int
        /// Changes per `fetchNew` on Exchange.
        public var ewsChangesPerBatch: Int
        /// A CA certificate (PEM) trusted besides a mailbox's own custom CA; without a custom CA
        /// it replaces the system roots. For test servers with a throwaway CA.
        public var extraTrustedCAPEM: String?
        /// Lets an `http://` EWS URL through when its host is this machine (tests against a fake
        /// Exchange). Never for real servers: the credentials would travel in clear.
        public var allowsInsecureEWSOnLoopback: Bool
        /// Who SMTP logs in as for every mailbox; `nil`: the mailbox's own login.
        public var smtpLogin: IMAPMailboxSettings.SMTPLogin?
        public var connectTimeout: Duration
        public var commandTimeout: Duration

        public init(
            imapFolder: String = "INBOX", imapBatchSize: Int = 200, ewsChangesPerBatch: Int = 100, extraTrustedCAPEM: String? = nil,
            allowsInsecureEWSOnLoopback: Bool = false, smtpLogin: IMAPMailboxSettings.SMTPLogin? = nil,
            connectTimeout: Duration = .seconds(15), commandTimeout: Duration = .seconds(60)
        ) {
            self.imapFolder = imapFolder
            self.imapBatchSize = imapBatchSize
            self.ewsChangesPerBatch = ewsChangesPerBatch
            self.extraTrustedCAPEM = extraTrustedCAPEM
            self.allowsInsecureEWSOnLoopback = allowsInsecureEWSOnLoopback
            self.smtpLogin = smtpLogin
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
        }
    }

    /// Exchange's HTTP client; shared with the process, never shut down here.
    public let httpClient: HTTPClient
    public let options: Options
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        httpClient: HTTPClient = ProviderHTTPClient.shared, options: Options = Options(), logger: Logger = Logger(label: "smartysales.mailbox"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.httpClient = httpClient
        self.options = options
        self.logger = logger
        self.now = now
    }

    // MARK: Opening

    public func open(_ mailbox: Mailbox, credentials: MailboxCredentials) async throws -> MailboxSession {
        try await open(MailboxTarget(mailbox), username: credentials.username, secret: credentials.secret)
    }

    func open(_ target: MailboxTarget, username: String, secret: String) async throws -> MailboxSession {
        switch target.connection {
        case .imap:
            let connector = IMAPMailboxConnector(settings: try imapSettings(target, username: username, secret: secret), now: now, logger: logger)
            return MailboxSession(connector: connector, close: { await connector.close() })
        case .exchange:
            let exchange = try await openExchange(target, username: username, secret: secret)
            return MailboxSession(connector: exchange.connector, close: { await exchange.client.shutdown() })
        }
    }

    /// The IMAP connector's settings for a Gmail or IMAP mailbox (the IDLE service connects
    /// with the same). Throws `MailboxActionUnsupported` for an Exchange mailbox.
    public func imapSettings(for mailbox: Mailbox, credentials: MailboxCredentials) throws -> IMAPMailboxSettings {
        try imapSettings(MailboxTarget(mailbox), username: credentials.username, secret: credentials.secret)
    }

    func imapSettings(_ target: MailboxTarget, username: String, secret: String) throws -> IMAPMailboxSettings {
        guard case .imap(let servers) = target.connection else {
            throw MailboxActionUnsupported("an Exchange mailbox has no IMAP settings")
        }
        let trust = tlsTrust(customCAPEM: servers.customCAPEM)
        // Google shows app passwords in groups with spaces; the password itself has none.
        let password = target.kind == .gmail ? secret.filter { !$0.isWhitespace } : secret
        return IMAPMailboxSettings(
            imap: endpoint(servers.imap, trust: trust),
            username: username,
            password: password,
            smtp: endpoint(servers.smtp, trust: trust),
            smtpLogin: options.smtpLogin ?? .sameAsIMAP,
            folder: options.imapFolder,
            importWindowDays: target.importWindowDays,
            batchSize: options.imapBatchSize)
    }

    private func endpoint(_ server: MailServerSettings, trust: TLSTrust) -> MailServerEndpoint {
        MailServerEndpoint(
            host: server.host, port: server.port, tls: TLSMode(rawValue: server.tls.rawValue) ?? .implicit, trust: trust,
            connectTimeout: options.connectTimeout, commandTimeout: options.commandTimeout)
    }

    private func tlsTrust(customCAPEM: String?) -> TLSTrust {
        let pems = [customCAPEM, options.extraTrustedCAPEM].compactMap { $0 }.filter { !$0.isEmpty }
        guard !pems.isEmpty else { return .system }
        return .customCA(pem: Array(pems.joined(separator: "\n").utf8))
    }

    struct OpenedExchange: Sendable {
        let connector: EWSMailboxConnector
        let client: EWSClient
        let url: URL
    }

    /// The EWS client and connector; Autodiscover first when the mailbox names no URL. The
    /// caller shuts the client down (the transport owns NTLM connections).
    func openExchange(_ target: MailboxTarget, username: String, secret: String) async throws -> OpenedExchange {
        guard case .exchange(let settings) = target.connection else {
            throw EWSError.invalidConfiguration("an IMAP mailbox has no Exchange settings")
        }
        let credentials = EWSCredentials(username: username, password: secret)
        let authentication = EWSAuthentication(rawValue: settings.auth.rawValue) ?? .automatic
        let trust: EWSTrust = options.extraTrustedCAPEM.map { EWSTrust.customCA(pem: Array($0.utf8)) } ?? .system
        let url: URL
        if let text = settings.ewsURL, let given = URL(string: text) {
            url = given
        } else {
            let discovery = EWSAutodiscovery(httpClient: httpClient, credentials: credentials, authentication: authentication, trust: trust, logger: logger)
            url = try await discovery.ewsURL(for: target.address.value)
        }
        let endpoint = try EWSEndpoint(
            url: url, credentials: credentials, authentication: authentication, trust: trust,
            connectTimeout: options.connectTimeout, allowInsecureHTTP: options.allowsInsecureEWSOnLoopback && Self.isLoopback(url.host))
        let transport = try EWSHTTPTransport(endpoint: endpoint, httpClient: httpClient, logger: logger)
        let client = EWSClient(transport: transport, logger: logger)
        let connector = EWSMailboxConnector(
            client: client, importWindowDays: target.importWindowDays, changesPerBatch: options.ewsChangesPerBatch, now: now, logger: logger)
        return OpenedExchange(connector: connector, client: client, url: url)
    }

    static func isLoopback(_ host: String?) -> Bool {
        guard let host = host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    // MARK: Testing a connection

    /// The "test connection" button for a form that is not saved yet.
    public func testConnection(_ draft: MailboxDraft, secret: String) async -> MailConnectionTestResult {
        await testConnection(MailboxTarget(draft), username: draft.username, secret: secret)
    }

    /// The same for a stored mailbox (with the login `MailboxRepository.credentials(for:)` gives).
    public func testConnection(_ mailbox: Mailbox, credentials: MailboxCredentials) async -> MailConnectionTestResult {
        await testConnection(MailboxTarget(mailbox), username: credentials.username, secret: credentials.secret)
    }

    /// IMAP: both logins, the folder list and the folder (`IMAPMailboxConnector.testConnection`).
    /// Exchange: Autodiscover when needed, then a one-item SyncFolderItems of the inbox.
    func testConnection(_ target: MailboxTarget, username: String, secret: String) async -> MailConnectionTestResult {
        switch target.connection {
        case .imap:
            let settings: IMAPMailboxSettings
            do {
                settings = try imapSettings(target, username: username, secret: secret)
            } catch {
                return .failed(error)
            }
            let connector = IMAPMailboxConnector(settings: settings, now: now, logger: logger)
            do {
                let report = try await connector.testConnection()
                await connector.close()
                return MailConnectionTestResult(report: report, settings: settings)
            } catch {
                await connector.close()
                return .failed(error)
            }
        case .exchange:
            let exchange: OpenedExchange
            do {
                exchange = try await openExchange(target, username: username, secret: secret)
            } catch {
                return .failed(error)
            }
            do {
                _ = try await exchange.client.syncInbox(state: nil, maxChanges: 1)
                let scheme = exchange.client.transport.authenticationInUse?.rawValue ?? "automatic"
                await exchange.client.shutdown()
                return MailConnectionTestResult(
                    problem: nil, service: .exchange,
                    summary: "Signed in to Exchange at \(exchange.url.absoluteString) as \(username) (\(scheme) sign-in); the inbox can be read.",
                    detail: "")
            } catch {
                await exchange.client.shutdown()
                return .failed(error)
            }
        }
    }
}

/// What the "test connection" button shows: all well with a summary of what was found, or the
/// problem in plain words (`problem` says which of wrong password, app password required, TLS
/// problem, host unreachable, other; `detail` is the server's own message, never a password).
public struct MailConnectionTestResult: Sendable, Equatable {
    /// `nil`: the connection works.
    public var problem: MailConnectionProblem.Kind?
    /// Which server the problem is with (or was tested, when all is well).
    public var service: MailConnectionProblem.Service?
    /// One or two sentences for the page.
    public var summary: String
    public var detail: String

    public var isOK: Bool { problem == nil }

    public init(problem: MailConnectionProblem.Kind?, service: MailConnectionProblem.Service?, summary: String, detail: String) {
        self.problem = problem
        self.service = service
        self.summary = summary
        self.detail = detail
    }

    static func failed(_ error: any Error) -> MailConnectionTestResult {
        var problem = MailConnectionProblem(error)
        if let discovery = error as? EWSAutodiscoveryFailure {
            problem.service = .exchange
            problem.kind = MailProblemText.isPermanent(discovery) ? .wrongPassword : .other
        }
        return MailConnectionTestResult(problem: problem.kind, service: problem.service, summary: MailProblemText.text(for: error), detail: problem.detail)
    }

    init(report: IMAPConnectionReport, settings: IMAPMailboxSettings) {
        guard let folder = report.folder else {
            self.init(
                problem: .other, service: .imap,
                summary: "Signed in to \(settings.imap.host), but the folder \"\(settings.folder)\" could not be opened.",
                detail: "folders: " + report.folders.map(\.name).prefix(50).joined(separator: ", "))
            return
        }
        var sentences = [
            "Signed in to \(settings.imap.host) as \(settings.username): \"\(folder.name)\" holds \(folder.messageCount) messages.",
        ]
        if report.labelsCanBeStored {
            sentences.append(report.isGmail ? "Categories will be written as Gmail labels." : "Categories will be written as IMAP keywords.")
        } else {
            sentences.append("This server keeps no labels (keywords) in that folder, so categories cannot be written into the mailbox.")
        }
        sentences.append("Sending through \(settings.smtp.host) works.")
        sentences.append(report.capabilities.contains("IDLE") ? "New mail is picked up at once (IDLE)." : "New mail is checked every minute.")
        self.init(problem: nil, service: .imap, summary: sentences.joined(separator: " "), detail: "")
    }
}

/// What the factory needs of a mailbox, stored (`Mailbox`) or still a form (`MailboxDraft`).
struct MailboxTarget: Sendable {
    var kind: MailboxKind
    var address: EmailAddress
    var connection: MailboxConnection
    var importWindowDays: Int

    init(_ mailbox: Mailbox) {
        kind = mailbox.kind
        address = mailbox.address
        connection = mailbox.connection
        importWindowDays = mailbox.importWindowDays
    }

    init(_ draft: MailboxDraft) {
        kind = draft.kind
        address = draft.address
        connection = draft.connection
        importWindowDays = draft.importWindowDays
    }
}
