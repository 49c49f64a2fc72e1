import Domain
import Foundation
import HummingbirdTesting
import Testing
@testable import Web

/// "Test connection" on the IMAP form against the real Dovecot and SMTP server `scripts/test`
/// starts (their certificates are signed by a throwaway CA, pasted into the form as a company
/// CA would be). The answers are the plain-words sentences, never the password.
@Suite struct ConnectionTestFlowTests {
    static func fields(_ imap: MailTestServers.IMAP, _ smtp: MailTestServers.SMTP, password: String) -> [(String, String)] {
        [
            ("kind", "imap"), ("address", "web-test@smartysales.test"), ("username", imap.username),
            ("imap_host", imap.host), ("imap_port", String(imap.implicitTLSPort)), ("imap_tls", "implicit"),
            ("smtp_host", smtp.host), ("smtp_port", String(smtp.implicitTLSPort)), ("smtp_tls", "implicit"),
            ("custom_ca", imap.caPEM), ("import_window_days", "14"), ("password", password),
        ]
    }

    static func tester(_ smtp: MailTestServers.SMTP) -> MailProtocolsConnectionTester {
        // The test SMTP server has a login of its own; a real mailbox uses one login for both.
        MailProtocolsConnectionTester(smtpLogin: MailProtocolsConnectionTester.SMTPLogin(username: smtp.username, password: smtp.password))
    }

    @Test func theRightPasswordConnects() async throws {
        let imap = try MailTestServers.imap()
        let smtp = try MailTestServers.smtp()
        try await TestApp.run(connectionTester: Self.tester(smtp)) { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let response = try await anna.post("/mailboxes/test", Self.fields(imap, smtp, password: imap.password), tokenFrom: "/mailboxes/new?kind=imap")
            #expect(response.status == .ok)
            #expect(response.text.contains(InboxFixtures.html(app, "mailbox_check_ok", .ru)), "\(response.text)")
            #expect(response.text.contains(InboxFixtures.html(app, "mailbox_check_folders", .ru)))
            #expect(!response.text.contains(imap.password), "the password is never sent back")
            #expect(response.text.contains("value=\"\(imap.host)\""), "what was typed stays")
        }
    }

    @Test func aWrongPasswordIsSaidInPlainWords() async throws {
        let imap = try MailTestServers.imap()
        let smtp = try MailTestServers.smtp()
        try await TestApp.run(connectionTester: Self.tester(smtp)) { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let wrong = "wrong-\(UUID().uuidString)"
            let response = try await anna.post("/mailboxes/test", Self.fields(imap, smtp, password: wrong), tokenFrom: "/mailboxes/new?kind=imap")
            #expect(response.status == .ok)
            #expect(response.text.contains(InboxFixtures.html(app, "mailbox_problem_wrong_password", .ru)), "\(response.text)")
            #expect(response.text.contains(InboxFixtures.html(app, "mailbox_service_imap", .ru)))
            #expect(!response.text.contains(InboxFixtures.html(app, "mailbox_check_ok", .ru)))
            #expect(!response.text.contains(wrong))
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            #expect(try await app.services.mailboxes.list(.tenant(member)).isEmpty, "testing saves nothing")
        }
    }
}
