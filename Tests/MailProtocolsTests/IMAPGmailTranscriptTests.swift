import Foundation
import Testing
@testable import MailProtocols

// The client against an in-process server that plays Gmail's dialect as the project wrote it
// down from Gmail's documentation (INTEGRATIONS.md §1): capabilities before and after login,
// ID, ENABLE UTF8=ACCEPT, localised special-use folders, ESEARCH, both X-GM-LABELS forms,
// `OK Success [THROTTLED]`, X-GM-MSGID/X-GM-THRID, label STORE, IDLE.

@Suite struct IMAPGmailTranscriptTests {
    @Test func aGmailSessionFromLoginToLogout() async throws {
        try await withScriptedServer({ _ in GmailScript.conversation() }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            #expect(await client.capabilities.contains("AUTH=PLAIN"))
            #expect(await client.capabilities.contains("ESEARCH") == false)

            try await client.login(username: GmailScript.user, password: GmailScript.appPassword)
            // Gmail sends the longer list only when asked again after login.
            #expect(await client.capabilities.contains("ESEARCH"))
            #expect(await client.capabilities.contains("X-GM-EXT-1"))

            let serverID = try await client.id()
            #expect(serverID["name"] == "GImap")
            #expect(try await client.enableUTF8())

            let mailboxes = try await client.list()
            let allMail = try #require(mailboxes.first(withSpecialUse: .all))
            #expect(allMail.name == "[Gmail]/Вся почта")
            #expect(mailboxes.first(withSpecialUse: .sent)?.name == "[Gmail]/Отправленные")
            #expect(mailboxes.first(withSpecialUse: .trash)?.name == "[Gmail]/Корзина")
            #expect(mailboxes.first { $0.name == "[Gmail]" }?.isSelectable == false)

            let status = try await client.select(allMail.name)
            #expect(status.uidValidity == 11)
            #expect(status.uidNext == 4242)
            #expect(status.highestModSeq == 987_654)
            #expect(status.messageCount == 7)
            #expect(status.acceptsNewKeywords)
            #expect(await client.isCondStoreEnabled)

            // `UID n:*` answers with the highest UID even when it is below n.
            #expect(try await client.uidsAbove(9) == [])
            let uids = try await client.uidSearch([.gmailRaw("in:inbox newer_than:2d")])
            #expect(uids == [1, 2, 3, 5, 7, 8, 9])

            let throttledBefore = await client.throttleSignals
            let messages = try await client.fetchSummaries(uids: uids)
            #expect(await client.throttleSignals == throttledBefore + 1)
            #expect(messages.map(\.uid) == [1, 2, 3, 5, 7, 8, 9])
            for message in messages {
                let uid = try #require(message.uid)
                #expect(message.gmailMessageID == 1_278_455_344_230_334_000 + UInt64(uid))
                #expect(message.gmailThreadID == 1_278_455_344_230_334_000)
                #expect(message.gmailLabels == [#"\Inbox"#, #"\Important"#, "Клиенты"])
                #expect(message.flags == (uid == 5 ? [#"\Seen"#] : []))
                #expect(message.size == 600 + Int(uid))
                #expect(message.modSeq == 987_000 + UInt64(uid))
                #expect(message.internalDate == Date(timeIntervalSince1970: 1_700_000_000))
                #expect(message.headers.map { String(decoding: $0, as: UTF8.self) }?.contains("Subject: Message \(uid)") == true)
                #expect(message.textPart?.section == "1")
                #expect(message.textPartPreview == "Привет, мир! Это тест.")
            }

            try await client.storeGmailLabels(uids: [5], add: [#"\Important"#, "Custom Label"])
            try await client.storeGmailLabels(uids: [5], remove: ["Клиенты"])

            let events = IdleEventLog()
            try await client.idle { event in
                events.append(event)
                if case .exists = event { return .stop }
                return .keepIdling
            }
            #expect(events.all == [.idling, .exists(8)])

            let changed = try await client.changes(sinceModSeq: 987_005)
            #expect(changed.map(\.uid) == [7])
            #expect(changed.first?.flags == [#"\Flagged"#])

            await client.logout()
            #expect(await client.isConnected == false)

            let sent = server.receivedLines[0]
            #expect(sent.contains { $0.hasSuffix(#"UID STORE 5 +X-GM-LABELS (\Important "Custom Label")"#) })
            #expect(sent.contains { $0.hasSuffix(#"UID STORE 5 -X-GM-LABELS ("Клиенты")"#) })
            #expect(sent.contains { $0.hasSuffix(#"SELECT "[Gmail]/Вся почта" (CONDSTORE)"#) })
            #expect(sent.contains { $0.hasSuffix("UID FETCH 1:3,5,7:9 (UID BODY.PEEK[1]<0.2048>)") })
            #expect(sent.contains("DONE"))
            #expect(sent.last?.hasSuffix("LOGOUT") == true)
        }
    }

    @Test func withoutUTF8NamesTravelInModifiedUTF7() async throws {
        try await withScriptedServer({ _ in GmailScript.conversation() }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            try await client.login(username: GmailScript.user, password: GmailScript.appPassword)
            let mailboxes = try await client.list()
            let allMail = try #require(mailboxes.first(withSpecialUse: .all))
            #expect(allMail.name == "[Gmail]/Вся почта")
            _ = try await client.select(allMail.name)
            try await client.storeGmailLabels(uids: [5], add: ["Клиенты"])
            await client.logout()

            let sent = server.receivedLines[0]
            #expect(sent.contains { $0.hasSuffix(#"SELECT "[Gmail]/&BBIEQQRP- &BD8EPgRHBEIEMA-" (CONDSTORE)"#) })
            #expect(sent.contains { $0.hasSuffix(#"UID STORE 5 +X-GM-LABELS ("&BBoEOwQ4BDUEPQRCBEs-")"#) })
        }
    }

    @Test func theAccountPasswordIsRefusedAsAppPasswordRequired() async throws {
        try await withScriptedServer({ _ in GmailScript.conversation() }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            let error = await #expect(throws: IMAPError.self) {
                try await client.login(username: GmailScript.user, password: GmailScript.accountPassword)
            }
            guard case .appPasswordRequired(let text)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(text.contains("support.google.com"))
            // A refused login leaves the session usable for another try.
            #expect(await client.isConnected)
            try await client.login(username: GmailScript.user, password: GmailScript.appPassword)
            #expect(await client.isAuthenticated)
            await client.logout()
        }
    }

    @Test func wrongCredentialsAreAuthenticationFailed() async throws {
        try await withScriptedServer({ _ in GmailScript.conversation() }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            await #expect(throws: IMAPError.authenticationFailed("Invalid credentials (Failure)")) {
                try await client.login(username: GmailScript.user, password: "wrong")
            }
            await client.logout()
        }
    }

    @Test func gmailOnlyCallsAreRefusedElsewhere() async throws {
        let greeting = ScriptedAction.line("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] plain server ready")
        try await withScriptedServer({ _ in
            ScriptedReplies(greeting: [greeting]) { line in
                let client = ClientLine(line)
                return [.line("\(client.tag) OK done")]
            }
        }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            try await client.login(username: "u", password: "p")
            await #expect(throws: IMAPError.unsupported("X-GM-EXT-1")) {
                try await client.storeGmailLabels(uids: [1], add: ["x"])
            }
            await #expect(throws: IMAPError.unsupported("X-GM-EXT-1")) {
                _ = try await client.fetch(uids: [1], items: [.gmailLabels])
            }
            #expect(await client.isConnected)
            await client.logout()
        }
    }
}

/// Gmail as INTEGRATIONS.md §1 describes it. One instance per connection, on the event loop.
final class GmailScript {
    static let user = "user@gmail.com"
    static let appPassword = "abcdefghijklmnop"
    static let accountPassword = "account-password"

    static let greeting = "* OK Gimap ready for requests from 127.0.0.1 x1mb4123456qkb"
    static let capabilitiesBeforeLogin =
        "* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH"
    static let capabilitiesAfterLogin =
        "* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584"

    /// UID → sequence number in All Mail.
    static let sequence: [UInt32: Int] = [1: 1, 2: 2, 3: 3, 5: 4, 7: 5, 8: 6, 9: 7]
    static let body = "0J/RgNC40LLQtdGCLCDQvNC40YAhINCt0YLQviDRgtC10YHRgi4="

    private var loggedIn = false
    private var utf8 = false
    private var idleTag: String?

    static func conversation() -> ScriptedReplies {
        let script = GmailScript()
        return ScriptedReplies(greeting: [.line(greeting)]) { line in script.reply(to: line) }
    }

    func reply(to line: String) -> [ScriptedAction] {
        if let tag = idleTag, line == "DONE" {
            idleTag = nil
            return [.line("\(tag) OK IDLE terminated (Success)")]
        }
        let client = ClientLine(line)
        let tag = client.tag
        func ok(_ text: String = "Success") -> ScriptedAction { .line("\(tag) OK \(text)") }

        if client.hasPrefix("CAPABILITY") {
            return [.line(loggedIn ? Self.capabilitiesAfterLogin : Self.capabilitiesBeforeLogin), ok("Thats all she wrote! x1mb")]
        }
        if client.hasPrefix("AUTHENTICATE PLAIN ") {
            let credentials = String(client.command.dropFirst("AUTHENTICATE PLAIN ".count))
            if credentials == Self.plain(Self.appPassword) {
                loggedIn = true
                return [ok("\(Self.user) authenticated (Success)")]
            }
            if credentials == Self.plain(Self.accountPassword) {
                return [.line("\(tag) NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)")]
            }
            return [.line("\(tag) NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")]
        }
        guard loggedIn else { return [.line("\(tag) BAD Command not allowed now.")] }

        if client.hasPrefix("ID ") {
            return [.line(#"* ID ("name" "GImap" "vendor" "Google, Inc." "support-url" "https://support.google.com/mail" "remote-host" "127.0.0.1")"#), ok()]
        }
        if client.hasPrefix("ENABLE UTF8=ACCEPT") {
            utf8 = true
            return [.line("* ENABLED UTF8=ACCEPT"), ok()]
        }
        if client.hasPrefix(#"LIST "" "*""#) {
            return [
                #"* LIST (\HasNoChildren) "/" "INBOX""#,
                #"* LIST (\HasNoChildren) "/" "Custom Label""#,
                #"* LIST (\HasChildren \Noselect) "/" "[Gmail]""#,
                #"* LIST (\All \HasNoChildren) "/" "\#(name("[Gmail]/Вся почта"))""#,
                #"* LIST (\HasNoChildren \Important) "/" "\#(name("[Gmail]/Важное"))""#,
                #"* LIST (\HasNoChildren \Sent) "/" "\#(name("[Gmail]/Отправленные"))""#,
                #"* LIST (\HasNoChildren \Trash) "/" "\#(name("[Gmail]/Корзина"))""#,
            ].map(ScriptedAction.line) + [ok()]
        }
        if client.hasPrefix("SELECT ") {
            guard client.command == #"SELECT "\#(name("[Gmail]/Вся почта"))" (CONDSTORE)"# else {
                return [.line("\(tag) NO [NONEXISTENT] Unknown Mailbox: \(client.command) (Failure)")]
            }
            return [
                #"* FLAGS (\Answered \Flagged \Draft \Deleted \Seen $NotPhishing $Phishing)"#,
                #"* OK [PERMANENTFLAGS (\Answered \Flagged \Draft \Deleted \Seen $NotPhishing $Phishing \*)] Flags permitted."#,
                "* OK [UIDVALIDITY 11] UIDs valid.",
                "* 7 EXISTS",
                "* 0 RECENT",
                "* OK [UIDNEXT 4242] Predicted next UID.",
                "* OK [HIGHESTMODSEQ 987654]",
                "\(tag) OK [READ-WRITE] [Gmail]/All Mail selected. (Success)",
            ].map(ScriptedAction.line)
        }
        if client.hasPrefix("UID SEARCH RETURN (ALL) UID 10:*") {
            return [.line(#"* ESEARCH (TAG "\#(tag)") UID ALL 9"#), ok("SEARCH completed (Success)")]
        }
        if client.hasPrefix("UID SEARCH RETURN (ALL) X-GM-RAW ") {
            return [.line(#"* ESEARCH (TAG "\#(tag)") UID ALL 1:3,5,7:9"#), ok("SEARCH completed (Success)")]
        }
        if client.hasPrefix("UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 987005)") {
            return [.line(#"* 5 FETCH (UID 7 FLAGS (\Flagged) MODSEQ (987100))"#), ok()]
        }
        if client.hasPrefix("UID FETCH ") {
            return fetch(client)
        }
        if client.hasPrefix("UID STORE 5 +X-GM-LABELS ") || client.hasPrefix("UID STORE 5 -X-GM-LABELS ") {
            return [.line(#"* 4 FETCH (X-GM-LABELS (\Important "Custom Label") UID 5)"#), ok()]
        }
        if client.hasPrefix("IDLE") {
            idleTag = tag
            return [.line("+ idling"), .line("* 8 EXISTS")]
        }
        if client.hasPrefix("LOGOUT") {
            return [.line("* BYE LOGOUT Requested"), ok("73 good day (Success)")]
        }
        return [.line("\(tag) BAD Unknown command")]
    }

    /// The first pass (metadata, headers, BODYSTRUCTURE, Gmail items; throttled) or the second
    /// (the text part's window).
    private func fetch(_ client: ClientLine) -> [ScriptedAction] {
        let words = client.command.split(separator: " ")
        guard words.count >= 3 else { return [.line("\(client.tag) BAD Could not parse command")] }
        let uids = Self.uids(in: String(words[2]))
        var response: [UInt8] = []
        if client.command.contains("BODY.PEEK[1]<0.2048>") {
            for uid in uids {
                guard let number = Self.sequence[uid] else { continue }
                response += Array("* \(number) FETCH (UID \(uid) BODY[1]<0> {\(Self.body.utf8.count)}\r\n\(Self.body))\r\n".utf8)
            }
            response += Array("\(client.tag) OK Success\r\n".utf8)
            return [.send(response)]
        }
        for uid in uids {
            guard let number = Self.sequence[uid] else { continue }
            let header = "From: =?utf-8?B?0JjQstCw0L0=?= <ivan@example.ru>\r\nSubject: Message \(uid)\r\nMessage-ID: <m\(uid)@example.ru>\r\n\r\n"
            // Odd UIDs get the quoted-and-escaped label form, even ones the bare atoms.
            let labels = uid % 2 == 1
                ? #"("\\Inbox" "\\Important" "&BBoEOwQ4BDUEPQRCBEs-")"#
                : #"(\Inbox \Important "&BBoEOwQ4BDUEPQRCBEs-")"#
            let labelList = utf8 ? labels.replacingOccurrences(of: "&BBoEOwQ4BDUEPQRCBEs-", with: "Клиенты") : labels
            let flags = uid == 5 ? #"(\Seen)"# : "()"
            let items = [
                "X-GM-THRID 1278455344230334000",
                "X-GM-MSGID \(1_278_455_344_230_334_000 + UInt64(uid))",
                "X-GM-LABELS \(labelList)",
                "UID \(uid)",
                "MODSEQ (\(987_000 + Int(uid)))",
                "FLAGS \(flags)",
                #"INTERNALDATE "14-Nov-2023 22:13:20 +0000""#,
                "RFC822.SIZE \(600 + Int(uid))",
                #"BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "BASE64" 52 1 NIL NIL NIL NIL)"#,
                "BODY[HEADER] {\(header.utf8.count)}\r\n\(header))\r\n",
            ]
            response += Array("* \(number) FETCH (\(items.joined(separator: " "))".utf8)
        }
        response += Array("\(client.tag) OK Success [THROTTLED]\r\n".utf8)
        return [.send(response)]
    }

    /// Mailbox names the way this session must see them: UTF-8 after ENABLE, else modified UTF-7.
    private func name(_ name: String) -> String {
        utf8 ? name : ModifiedUTF7.encode(name)
    }

    static func plain(_ password: String) -> String {
        Data(([0] + Array(user.utf8) + [0] + Array(password.utf8)) as [UInt8]).base64EncodedString()
    }

    static func uids(in set: String) -> [UInt32] {
        IMAPSequenceSet(parsing: Array(set.utf8))?.numbers() ?? []
    }
}
