import Domain
import Foundation
import MailProtocols
import Testing
@testable import Workers

/// The "test connection" button against the real Dovecot and SMTP relay of scripts/test: all
/// well with a summary, or the problem in plain words.
@Suite(.timeLimit(.minutes(2))) struct MailboxConnectionTests {
    static func factory(extraCA: String? = nil) -> MailboxConnectorFactory {
        MailboxConnectorFactory(options: MailboxConnectorFactory.Options(
            extraTrustedCAPEM: extraCA, smtpLogin: .noAuthentication, connectTimeout: .seconds(10), commandTimeout: .seconds(30)))
    }

    @Test func aWorkingMailboxPassesWithASummary() async throws {
        let server = try MailTestServers.imap()
        let relay = try MailTestServers.smtpRelay()
        let result = await Self.factory().testConnection(PipelineWorld.dovecotDraft(server, smtp: relay), secret: server.password)
        #expect(result.isOK, "\(result)")
        #expect(result.problem == nil)
        #expect(result.summary.contains("Signed in to \(server.host)"))
        #expect(result.summary.contains("IMAP keywords"))
        #expect(result.summary.contains("IDLE"))
    }

    @Test func theExtraCATrustsAServerTheMailboxNamesNoCAFor() async throws {
        let server = try MailTestServers.imap()
        let relay = try MailTestServers.smtpRelay()
        let draft = PipelineWorld.dovecotDraft(server, smtp: relay, customCA: false)
        let result = await Self.factory(extraCA: server.caPEM).testConnection(draft, secret: server.password)
        #expect(result.isOK, "\(result)")
    }

    @Test func aWrongPasswordIsSaidInPlainWords() async throws {
        let server = try MailTestServers.imap()
        let secret = "wrong-\(UUID().uuidString)"
        let result = await Self.factory().testConnection(PipelineWorld.dovecotDraft(server), secret: secret)
        #expect(result.problem == .wrongPassword)
        #expect(result.service == .imap)
        #expect(result.summary.contains("refused the user name or password"))
        #expect(!result.summary.contains(secret))
        #expect(!result.detail.contains(secret))
    }

    @Test func anUntrustedCertificateIsATLSProblem() async throws {
        let server = try MailTestServers.imap()
        let result = await Self.factory().testConnection(PipelineWorld.dovecotDraft(server, customCA: false), secret: server.password)
        #expect(result.problem == .tlsProblem, "\(result)")
        #expect(result.summary.contains("TLS"))
    }

    @Test func nobodyListeningIsAnUnreachableHost() async throws {
        let draft = MailboxDraft(
            kind: .imap, displayName: "x", address: EmailAddress("sales@romashka.ru")!, username: "sales@romashka.ru",
            connection: .imap(IMAPSMTPSettings(
                imap: MailServerSettings(host: "127.0.0.1", port: 9, tls: .implicit),
                smtp: MailServerSettings(host: "127.0.0.1", port: 9, tls: .none))))
        let result = await Self.factory().testConnection(draft, secret: "x")
        #expect(result.problem == .hostUnreachable, "\(result)")
        #expect(result.summary.contains("could not be reached"))
    }

    @Test func anExchangeURLWithoutTLSIsRefusedBeforeAnythingIsSent() async throws {
        let draft = MailboxDraft(
            kind: .exchange, displayName: "x", address: EmailAddress("sales@romashka.ru")!, username: "ROMASHKA\\sales",
            connection: .exchange(ExchangeSettings(ewsURL: "http://mail.romashka.ru/EWS/Exchange.asmx", auth: .ntlm)))
        let result = await Self.factory().testConnection(draft, secret: "secret-1")
        #expect(result.problem == .other)
        #expect(result.service == .exchange)
        #expect(result.summary.contains("Exchange settings cannot be used"))
        #expect(!result.summary.contains("secret-1"))
    }

    @Test func onlyLoopbackEWSHostsMayBePlainHTTP() {
        #expect(MailboxConnectorFactory.isLoopback("127.0.0.1"))
        #expect(MailboxConnectorFactory.isLoopback("localhost"))
        #expect(MailboxConnectorFactory.isLoopback("::1"))
        #expect(!MailboxConnectorFactory.isLoopback("mail.romashka.ru"))
        #expect(!MailboxConnectorFactory.isLoopback(nil))
    }
}
