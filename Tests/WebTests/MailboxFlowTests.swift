import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Mailboxes through the real app: the add forms with their connection test, the sealed
/// password, editing, pause and resume, removal, and who may do it.
@Suite struct MailboxFlowTests {
    static let appPassword = "abcd efgh ijkl mnop"
    static let storedAppPassword = "abcdefghijklmnop"

    @Test func aGmailMailboxIsAddedThroughTheGuidedFormAndItsPasswordIsNeverShownAgain() async throws {
        let tester = FakeConnectionTester()
        try await TestApp.run(connectionTester: tester) { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let form = try await anna.get("/mailboxes/new?kind=gmail")
            #expect(form.status == .ok)
            #expect(form.text.contains("https://myaccount.google.com/apppasswords"))
            #expect(form.text.contains(InboxFixtures.html(app, "mailbox_gmail_guide_title", .ru)))
            #expect(!form.text.contains("name=\"imap_host\""), "Gmail asks for no servers: the address, the app password and the import window")

            // Test connection: the answer in words, the address kept, the password not.
            let tested = try await anna.post("/mailboxes/test", [("kind", "gmail"), ("address", "Sales@Romashka.ru"), ("password", Self.appPassword)])
            #expect(tested.status == .ok)
            #expect(tested.text.contains(InboxFixtures.html(app, "mailbox_check_ok", .ru)))
            #expect(tested.text.contains("value=\"Sales@Romashka.ru\""))
            #expect(!tested.text.contains(Self.appPassword) && !tested.text.contains(Self.storedAppPassword))
            let call = try #require(tester.calls.last)
            #expect(call.secret == Self.storedAppPassword, "the spaces Google shows are not part of the password")
            #expect(call.draft.kind == .gmail)
            #expect(call.draft.connection == MailboxConnection.imap(IMAPSMTPSettings.gmail))

            let saved = try await anna.post("/mailboxes", [("kind", "gmail"), ("address", "Sales@Romashka.ru"), ("password", Self.appPassword)])
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/mailboxes")

            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try #require(try await app.services.mailboxes.list(.tenant(member)).first)
            #expect(mailbox.address.value == "sales@romashka.ru")
            #expect(mailbox.kind == .gmail)
            #expect(mailbox.status == .new)
            #expect(try await app.services.mailboxes.credentials(for: mailbox).secret == Self.storedAppPassword)

            // Sealed at rest under the master key: the same database read with another key yields nothing.
            let otherKey = try MasterKeyring(current: MasterKey(id: "k1", bytes: Array(repeating: 0x17, count: 32)))
            let withOtherKey = MailboxRepository(persistence: app.persistence, secretBox: SecretBox(keyring: otherKey))
            await #expect(throws: SecretBoxError.authenticationFailed) { try await withOtherKey.credentials(for: mailbox) }

            // Polled every minute and synced at once, for this company.
            #expect(try await app.services.jobs.isScheduled(key: "inbox.sync.\(mailbox.id.uuidString.lowercased())"))
            let syncs = try await InboxFixtures.claimAll(app, kind: "inbox.sync")
            #expect(syncs.count == 2, "the polling schedule and one sync now")
            for job in syncs {
                #expect(job.companyID == member.companyID)
                #expect(try InboxFixtures.payload(job)["mailboxID"] as? String == mailbox.id.uuidString)
            }

            // No later page shows it, and the audit trail never had it.
            let list = try await anna.get("/mailboxes")
            #expect(list.text.contains("sales@romashka.ru"))
            #expect(list.text.contains(InboxFixtures.html(app, "mailbox_status_new", .ru)))
            #expect(list.text.contains(InboxFixtures.html(app, "flash_mailbox_added", .ru)))
            let edit = try await anna.get("/mailboxes/\(mailbox.id.uuidString)/edit")
            #expect(edit.status == .ok)
            let inbox = try await anna.get("/inbox")
            let audit = try await anna.get("/audit")
            for page in [list.text, edit.text, inbox.text, audit.text] {
                #expect(!page.contains(Self.storedAppPassword) && !page.contains(Self.appPassword))
            }
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(), page: 1, pageSize: 500)
            let created = try #require(trail.events.first { $0.kind == "mailbox.created" })
            #expect(created.details["mailbox_id"] == mailbox.id.uuidString)
            #expect(created.details["address"] == "sales@romashka.ru")
            let everything = trail.events.flatMap { $0.details.values }.joined(separator: " ")
            #expect(!everything.contains(Self.storedAppPassword) && !everything.contains(Self.appPassword))

            // The same address twice is a field error, not a second mailbox.
            let again = try await anna.post("/mailboxes", [("kind", "gmail"), ("address", "sales@romashka.ru"), ("password", Self.appPassword)],
                                            tokenFrom: "/mailboxes/new?kind=gmail")
            #expect(again.status == .unprocessableContent)
            #expect(again.text.contains(InboxFixtures.html(app, "validation_mailbox_exists", .ru)))
        }
    }

    static func imapFields(address: String = "info@romashka.ru", host: String = "imap.romashka.ru", port: String = "993",
                           password: String = "imap password 1") -> [(String, String)] {
        [
            ("kind", "imap"), ("address", address), ("username", ""), ("imap_host", host), ("imap_port", port), ("imap_tls", "implicit"),
            ("smtp_host", "smtp.romashka.ru"), ("smtp_port", "465"), ("smtp_tls", "implicit"), ("custom_ca", ""),
            ("import_window_days", "30"), ("password", password),
        ]
    }

    @Test func aGmailMailboxChoosesItsImportWindowOnTheAddAndEditForms() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let form = try await anna.get("/mailboxes/new?kind=gmail")
            #expect(form.text.contains("name=\"import_window_days\""))
            let saved = try await anna.post("/mailboxes", [("kind", "gmail"), ("address", "sales@romashka.ru"), ("import_window_days", "45"),
                                                           ("password", Self.appPassword)], tokenFrom: "/mailboxes/new?kind=gmail")
            #expect(saved.location == "/mailboxes")
            let mailbox = try #require(try await app.services.mailboxes.list(.tenant(member)).first)
            #expect(mailbox.importWindowDays == 45)

            let id = mailbox.id.uuidString
            let edit = try await anna.get("/mailboxes/\(id)/edit")
            #expect(edit.text.contains("name=\"import_window_days\""))
            #expect(edit.text.contains("required value=\"45\""))
            let changed = try await anna.post("/mailboxes/\(id)", [("display_name", "Продажи"), ("address", "sales@romashka.ru"), ("import_window_days", "90"),
                                                                  ("password", "")], tokenFrom: "/mailboxes/\(id)/edit")
            #expect(changed.location == "/mailboxes")
            #expect(try await app.services.mailboxes.find(mailbox.id, scope: .tenant(member)).importWindowDays == 90)
            let wrong = try await anna.post("/mailboxes/\(id)", [("address", "sales@romashka.ru"), ("import_window_days", "400"), ("password", "")],
                                            tokenFrom: "/mailboxes/\(id)/edit")
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains(InboxFixtures.html(app, "validation_import_window", .ru)))
            #expect(try await app.services.mailboxes.find(mailbox.id, scope: .tenant(member)).importWindowDays == 90)
        }
    }

    /// `serve --sync-interval-seconds`: the schedule a mailbox gets when it is added or resumed.
    @Test func mailboxesAddedOrResumedThroughTheWebArePolledAtTheConfiguredInterval() async throws {
        try await TestApp.run(configure: { $0.syncIntervalSeconds = 900 }) { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let added = try await anna.post("/mailboxes", Self.imapFields(), tokenFrom: "/mailboxes/new?kind=imap")
            #expect(added.location == "/mailboxes")
            let mailbox = try #require(try await app.services.mailboxes.list(.tenant(member)).first)
            let id = mailbox.id.uuidString
            let key = "inbox.sync.\(id.lowercased())"
            #expect(try await app.services.jobs.scheduledInterval(key: key) == 900)

            #expect(try await anna.post("/mailboxes/\(id)/pause", [], tokenFrom: "/mailboxes").location == "/mailboxes")
            #expect(try await app.services.jobs.scheduledInterval(key: key) == nil)
            #expect(try await anna.post("/mailboxes/\(id)/resume", [], tokenFrom: "/mailboxes").location == "/mailboxes")
            #expect(try await app.services.jobs.scheduledInterval(key: key) == 900)
        }
    }

    @Test func validationErrorsAreShownInTheUsersLanguage() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let wrong = [
                ("kind", "imap"), ("address", "not-an-address"), ("imap_host", "imap example"), ("imap_port", "99999"), ("imap_tls", "implicit"),
                ("smtp_host", ""), ("smtp_port", "587"), ("smtp_tls", "sometimes"), ("import_window_days", "0"), ("password", ""),
            ]
            let russian = try await anna.post("/mailboxes", wrong, tokenFrom: "/mailboxes/new?kind=imap")
            #expect(russian.status == .unprocessableContent)
            for key in ["validation_email", "validation_host", "validation_port", "validation_required", "validation_choice", "validation_import_window"] {
                #expect(russian.text.contains(InboxFixtures.html(app, key, .ru)), "\(key) in Russian")
            }
            #expect(russian.text.contains("value=\"imap example\""), "what was typed stays")
            #expect(try await app.services.mailboxes.list(.tenant(try await InboxFixtures.member(app, email: "anna@romashka.ru"))).isEmpty)

            try await anna.post("/locale", [("locale", "en"), ("return_to", "/mailboxes/new?kind=imap")], tokenFrom: "/mailboxes")
            let english = try await anna.post("/mailboxes/test", wrong, tokenFrom: "/mailboxes/new?kind=imap")
            #expect(english.status == .unprocessableContent)
            for key in ["validation_email", "validation_host", "validation_port", "validation_required"] {
                #expect(english.text.contains(InboxFixtures.html(app, key, .en)), "\(key) in English")
                #expect(!english.text.contains(InboxFixtures.html(app, key, .ru)))
            }
        }
    }

    @Test func anIMAPMailboxIsEditedPausedResumedAndRemoved() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let added = try await anna.post("/mailboxes", Self.imapFields(), tokenFrom: "/mailboxes/new?kind=imap")
            #expect(added.location == "/mailboxes")
            let mailbox = try #require(try await app.services.mailboxes.list(.tenant(member)).first)
            #expect(mailbox.username == "info@romashka.ru", "a blank login is the address")
            #expect(mailbox.importWindowDays == 30)
            guard case .imap(let settings) = mailbox.connection else { Issue.record("not IMAP"); return }
            #expect(settings.imap == MailServerSettings(host: "imap.romashka.ru", port: 993, tls: .implicit))
            #expect(settings.smtp == MailServerSettings(host: "smtp.romashka.ru", port: 465, tls: .implicit))
            let id = mailbox.id.uuidString
            let scheduleKey = "inbox.sync.\(id.lowercased())"

            // A new name keeps the password; another server without the password is refused.
            var renamed = Self.imapFields(password: "")
            renamed.append(("display_name", "Общий ящик"))
            #expect(try await anna.post("/mailboxes/\(id)", renamed, tokenFrom: "/mailboxes/\(id)/edit").location == "/mailboxes")
            #expect(try await app.services.mailboxes.find(mailbox.id, scope: .tenant(member)).displayName == "Общий ящик")
            #expect(try await app.services.mailboxes.credentials(for: mailbox).secret == "imap password 1")
            let elsewhere = try await anna.post("/mailboxes/\(id)", Self.imapFields(host: "evil.example.com", password: ""), tokenFrom: "/mailboxes/\(id)/edit")
            #expect(elsewhere.status == .unprocessableContent)
            #expect(elsewhere.text.contains(InboxFixtures.html(app, "validation_password_for_new_server", .ru)))
            let moved = try await anna.post("/mailboxes/\(id)", Self.imapFields(host: "mail.romashka.ru", password: "new password 2"), tokenFrom: "/mailboxes/\(id)/edit")
            #expect(moved.location == "/mailboxes")
            #expect(try await app.services.mailboxes.credentials(for: mailbox).secret == "new password 2")

            let paused = try await anna.post("/mailboxes/\(id)/pause", [], tokenFrom: "/mailboxes")
            #expect(paused.location == "/mailboxes")
            #expect(try await app.services.mailboxes.find(mailbox.id, scope: .tenant(member)).status == .paused)
            #expect(try await app.services.jobs.isScheduled(key: scheduleKey) == false, "a paused mailbox is not polled")
            #expect(try await anna.get("/mailboxes").text.contains(InboxFixtures.html(app, "mailbox_status_paused", .ru)))
            _ = try await InboxFixtures.claimAll(app, kind: "inbox.sync")

            let resumed = try await anna.post("/mailboxes/\(id)/resume", [], tokenFrom: "/mailboxes")
            #expect(resumed.location == "/mailboxes")
            #expect(try await app.services.mailboxes.find(mailbox.id, scope: .tenant(member)).status == .new)
            #expect(try await app.services.jobs.isScheduled(key: scheduleKey))
            #expect(try await InboxFixtures.claimAll(app, kind: "inbox.sync").count == 2, "resuming syncs at once and polls again")

            // Removal asks first, and keeps the messages when told so.
            let stored = try await InboxFixtures.store(app, [InboxFixtures.message(1)], in: mailbox)
            let confirm = try await anna.get("/mailboxes/\(id)/remove")
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("value=\"keep\" checked"))
            let removed = try await anna.post("/mailboxes/\(id)/remove", [("messages", "keep")])
            #expect(removed.location == "/mailboxes")
            #expect(try await app.services.mailboxes.list(.tenant(member)).isEmpty)
            #expect(try await app.services.jobs.isScheduled(key: scheduleKey) == false)
            let kept = try await app.services.inboundMessages.find(try #require(stored.first).id, scope: .tenant(member))
            #expect(kept.mailboxID == nil)
            #expect(try await anna.get("/mailboxes/\(id)/edit").status == .notFound)
        }
    }

    @Test func removingAMailboxCanDeleteItsMessages() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let stored = try await InboxFixtures.store(app, [InboxFixtures.message(1), InboxFixtures.message(2)], in: mailbox)
            let removed = try await anna.post("/mailboxes/\(mailbox.id.uuidString)/remove", [("messages", "delete")], tokenFrom: "/mailboxes/\(mailbox.id.uuidString)/remove")
            #expect(removed.location == "/mailboxes")
            for message in stored {
                await #expect(throws: StorageError.notFound) { try await app.services.inboundMessages.find(message.id, scope: .tenant(member)) }
            }
        }
    }

    @Test func viewersSeeTheInboxButCannotChangeMailboxesOrCategories() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            try await Flows.addUser(anna, email: "vera@romashka.ru", role: "viewer")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let category = try await InboxFixtures.category(app, member, named: "Заявка")

            let vera = Browser(client)
            try await Flows.logIn(vera, email: "vera@romashka.ru", password: "temporary password 1")
            try await vera.post("/account/password", [
                ("current_password", "temporary password 1"), ("new_password", "vera own password"), ("new_password_confirm", "vera own password"),
            ], tokenFrom: "/account")

            let inbox = try await vera.get("/inbox")
            #expect(inbox.status == .ok)
            #expect(inbox.text.contains("href=\"/inbox\""))
            #expect(!inbox.text.contains("href=\"/mailboxes\""), "the navigation offers viewers the inbox only")
            #expect(!inbox.text.contains("href=\"/categories\""))
            #expect(try await vera.get("/mailboxes").status == .forbidden)
            #expect(try await vera.get("/mailboxes/new?kind=gmail").status == .forbidden)
            #expect(try await vera.get("/mailboxes/\(mailbox.id.uuidString)/edit").status == .forbidden)
            let categories = try await vera.get("/categories")
            #expect(categories.status == .ok, "categories can be read")
            #expect(!categories.text.contains("href=\"/categories/new\""))
            #expect(try await vera.get("/categories/new").status == .forbidden)
            let posts: [(String, [(String, String)])] = [
                ("/mailboxes", [("kind", "gmail"), ("address", "x@romashka.ru"), ("password", "abcdefghijklmnop")]),
                ("/mailboxes/test", [("kind", "gmail"), ("address", "x@romashka.ru"), ("password", "abcdefghijklmnop")]),
                ("/mailboxes/\(mailbox.id.uuidString)/pause", []),
                ("/mailboxes/\(mailbox.id.uuidString)/remove", [("messages", "delete")]),
                ("/categories", [("name", "Новая"), ("colour", "#123456")]),
                ("/categories/\(category.id.uuidString)/deactivate", []),
                ("/categories/\(category.id.uuidString)/move", [("direction", "down")]),
                ("/categories/settings", [("needs_review_label", "x"), ("review_threshold", "0.5")]),
            ]
            for (path, fields) in posts {
                #expect(try await vera.post(path, fields, tokenFrom: "/inbox").status == .forbidden, "viewer POST \(path)")
            }
            #expect(try await app.services.mailboxes.find(mailbox.id, scope: .tenant(member)).status == .new)
            #expect(try await app.services.categories.find(category.id, scope: .tenant(member)).isActive)
        }
    }
}
