import AsyncHTTPClient
import Domain
import Foundation
import MailProtocols

/// Tests a mailbox with the same clients the sync uses: for Gmail and IMAP the connector's own
/// connection report (IMAP login, folders, then SMTP), for Exchange one SyncFolderItems of a
/// single change, after Autodiscover when no EWS URL was given.
struct MailProtocolsConnectionTester: MailboxConnectionTesting {
    /// A login for SMTP other than the mailbox's own.
    struct SMTPLogin: Sendable {
        let username: String
        let password: String
    }

    /// Someone is waiting at the form: fail fast rather than hold the page for a minute.
    var connectTimeout: Duration = .seconds(10)
    var commandTimeout: Duration = .seconds(20)
    /// `nil`: SMTP signs in with the mailbox's login, as the sync and send workers do. Only
    /// tests set it, for an SMTP server whose login is not the IMAP server's.
    var smtpLogin: SMTPLogin?

    func test(_ draft: MailboxDraft, secret: String) async -> ConnectionCheck {
        let check: ConnectionCheck
        switch draft.connection {
        case .imap(let settings):
            check = await testIMAP(draft, settings: settings, secret: secret)
        case .exchange(let settings):
            check = await testExchange(draft, settings: settings, secret: secret)
        }
        return check.hiding(secret)
    }

    // MARK: IMAP and SMTP

    func testIMAP(_ draft: MailboxDraft, settings: IMAPSMTPSettings, secret: String) async -> ConnectionCheck {
        let connectorSettings = Self.connectorSettings(draft, settings: settings, secret: secret, smtpLogin: smtpLogin,
                                                       connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        let connector = IMAPMailboxConnector(settings: connectorSettings)
        do {
            let report = try await connector.testConnection()
            guard report.folder != nil else {
                // Signed in, but the folder new mail is read from cannot be opened: nothing would ever sync.
                return .failure(.other, service: .imap, detail: "the folder \"\(connectorSettings.folder)\" cannot be opened; folders: "
                                    + report.folders.map(\.name).prefix(50).joined(separator: ", "))
            }
            return .success(folderCount: report.folders.count, labelsCanBeStored: report.labelsCanBeStored)
        } catch {
            return ConnectionCheck(MailConnectionProblem(error))
        }
    }

    /// The connector's settings for a draft, as the sync worker makes them: the mailbox's servers
    /// (Google's for Gmail), its custom CA for both, its login for both. The spaces Google shows
    /// in app passwords are removed.
    static func connectorSettings(_ draft: MailboxDraft, settings: IMAPSMTPSettings, secret: String, smtpLogin: SMTPLogin?,
                                  connectTimeout: Duration, commandTimeout: Duration) -> IMAPMailboxSettings {
        let trust: TLSTrust = settings.customCAPEM.map { TLSTrust.customCA(pem: Array($0.utf8)) } ?? .system
        func endpoint(_ server: MailServerSettings) -> MailServerEndpoint {
            MailServerEndpoint(host: server.host, port: server.port, tls: TLSMode(rawValue: server.tls.rawValue) ?? .implicit,
                               trust: trust, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        }
        let password = draft.kind == .gmail ? secret.filter { !$0.isWhitespace } : secret
        return IMAPMailboxSettings(
            imap: endpoint(settings.imap), username: draft.username, password: password, smtp: endpoint(settings.smtp),
            smtpLogin: smtpLogin.map { IMAPMailboxSettings.SMTPLogin.separate(SMTPCredentials(username: $0.username, password: $0.password)) } ?? .sameAsIMAP,
            importWindowDays: draft.importWindowDays)
    }

    // MARK: Exchange

    func testExchange(_ draft: MailboxDraft, settings: ExchangeSettings, secret: String) async -> ConnectionCheck {
        let credentials = EWSCredentials(username: draft.username, password: secret)
        let authentication: EWSAuthentication = switch settings.auth {
        case .basic: .basic
        case .ntlm: .ntlm
        case .automatic: .automatic
        }
        let httpClient = HTTPClient.shared
        let url: URL
        var discovered: String?
        if let given = settings.ewsURL.flatMap({ URL(string: $0) }) {
            url = given
        } else {
            let autodiscovery = EWSAutodiscovery(httpClient: httpClient, credentials: credentials, authentication: authentication, timeout: commandTimeout)
            do {
                url = try await autodiscovery.ewsURL(for: draft.address.value)
                discovered = url.absoluteString
            } catch let failure as EWSAutodiscoveryFailure {
                let refused = failure.attempts.contains { attempt in
                    if case .authenticationFailed = attempt.error { return true }
                    return false
                }
                return .failure(refused ? .wrongPassword : .autodiscoveryFailed, service: .exchange, detail: failure.description)
            } catch {
                return ConnectionCheck(MailConnectionProblem(error))
            }
        }
        let client: EWSClient
        do {
            let endpoint = try EWSEndpoint(url: url, credentials: credentials, authentication: authentication,
                                           connectTimeout: connectTimeout, requestTimeout: commandTimeout, maxConcurrentRequests: 1)
            client = EWSClient(transport: try EWSHTTPTransport(endpoint: endpoint, httpClient: httpClient), serverBusyRetries: 0)
        } catch {
            return ConnectionCheck(MailConnectionProblem(error))
        }
        do {
            _ = try await client.syncInbox(state: nil, maxChanges: 1)
            await client.shutdown()
            return .success(ewsURL: discovered)
        } catch {
            await client.shutdown()
            return ConnectionCheck(MailConnectionProblem(error))
        }
    }
}

extension ConnectionCheck {
    /// MailProtocols' sorting of a failure, in this page's terms.
    init(_ problem: MailConnectionProblem) {
        let kind: Problem = switch problem.kind {
        case .wrongPassword: .wrongPassword
        case .appPasswordRequired: .appPasswordRequired
        case .tlsProblem: .tlsProblem
        case .hostUnreachable: .hostUnreachable
        case .other: .other
        }
        let service: Service? = switch problem.service {
        case .imap: .imap
        case .smtp: .smtp
        case .exchange: .exchange
        case nil: nil
        }
        self.init(problem: kind, service: service, detail: problem.detail, folderCount: nil, labelsCanBeStored: nil, ewsURL: nil)
    }
}
