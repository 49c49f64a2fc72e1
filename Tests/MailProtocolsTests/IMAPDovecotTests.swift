import Foundation
import Testing
@testable import MailProtocols

// The client against the real Dovecot that scripts/test starts (see Support/TestServers.swift).
// Every test works in a mailbox of its own and deletes it, so the tests run in parallel on the
// one test user.

@Suite(.timeLimit(.minutes(5))) struct IMAPDovecotTests {
    // MARK: Connecting and logging in

    @Test(arguments: [TLSMode.implicit, .startTLS], [IMAPAuthenticationMechanism.plain, .login])
    func logsInOverEitherTLSWithEitherMechanism(tls: TLSMode, mechanism: IMAPAuthenticationMechanism) async throws {
        let server = try TestServers.imap()
        let client = IMAPClient(endpoint: IMAPTestEndpoints.dovecot(server, tls: tls))
        try await client.connect()
        #expect(await client.capabilities.contains("LOGINDISABLED") == false)
        try await client.login(username: server.username, password: server.password, mechanism: mechanism)
        #expect(await client.isAuthenticated)
        // The list after login is Dovecot's long one, whether it came with OK or was asked for.
        for name in ["IDLE", "ESEARCH", "CONDSTORE", "MULTIAPPEND", "LITERAL+", "SPECIAL-USE", "UIDPLUS"] {
            #expect(await client.capabilities.contains(name), "\(name) after \(tls) + \(mechanism)")
        }
        #expect(try await client.id()["name"] == "Dovecot")
        // Dovecot 2.3 has no UTF8=ACCEPT: names stay in modified UTF-7.
        #expect(try await client.enableUTF8() == false)
        await client.logout()
        #expect(await client.isConnected == false)
    }

    @Test func wrongPasswordIsAuthenticationFailed() async throws {
        let server = try TestServers.imap()
        let client = IMAPClient(endpoint: IMAPTestEndpoints.dovecot(server, tls: .implicit))
        try await client.connect()
        await #expect(throws: IMAPError.authenticationFailed("Authentication failed.")) {
            try await client.login(username: server.username, password: server.password + "-wrong")
        }
        #expect(await client.isConnected)
        await client.logout()
    }

    @Test(arguments: [TLSMode.implicit, .startTLS])
    func untrustedCertificateIsATLSFailure(tls: TLSMode) async throws {
        let server = try TestServers.imap()
        // The test CA is not among the system roots.
        let client = IMAPClient(endpoint: IMAPTestEndpoints.dovecot(server, tls: tls, trustingTestCA: false))
        let error = await #expect(throws: IMAPError.self) { try await client.connect() }
        guard case .tlsFailure? = error else { Issue.record("\(tls): \(String(describing: error))"); return }
        #expect(await client.isConnected == false)
    }

    @Test func plaintextWithoutSTARTTLSMeetsLoginDisabled() async throws {
        let server = try TestServers.imap()
        let client = IMAPClient(endpoint: IMAPTestEndpoints.dovecot(server, tls: .none))
        try await client.connect()
        #expect(await client.capabilities.contains("LOGINDISABLED"))
        await #expect(throws: IMAPError.loginDisabled) {
            try await client.login(username: server.username, password: server.password)
        }
        await client.logout()
    }

    @Test func specialUseFoldersAndNonASCIINames() async throws {
        let server = try TestServers.imap()
        let client = try await IMAPTestEndpoints.dovecotSession(server)
        let name = "Входящие счета-\(UUID().uuidString)"
        try await client.create(name)
        let mailboxes = try await client.list()
        #expect(mailboxes.first(withSpecialUse: .sent)?.name == "Sent")
        #expect(mailboxes.first(withSpecialUse: .trash)?.name == "Trash")
        #expect(mailboxes.first(withSpecialUse: .drafts)?.name == "Drafts")
        #expect(mailboxes.first(withSpecialUse: .junk)?.name == "Junk")
        #expect(mailboxes.first(withSpecialUse: .archive)?.name == "Archive")
        #expect(mailboxes.contains { $0.name == "INBOX" })
        #expect(mailboxes.contains { $0.name == name && $0.delimiter == "/" })
        let status = try await client.select(name)
        #expect(status.messageCount == 0)
        #expect(status.name == name)
        try await Self.remove(name, with: client)
        await client.logout()
    }

    // MARK: Sync

    @Test func tenThousandMessagesThenOnlyTheNewOnes() async throws {
        let server = try TestServers.imap()
        let client = try await IMAPTestEndpoints.dovecotSession(server)
        let name = IMAPTestServer.uniqueMailboxName("Sync")
        try await client.create(name)

        let messages = (1...10_000).map { IMAPAppendMessage(message: Self.message(number: $0), flags: $0 % 3 == 0 ? [#"\Seen"#] : []) }
        let appended = try await client.append(mailbox: name, messages: messages)
        #expect(appended.count == 10_000)

        let opened = try await client.select(name)
        #expect(opened.messageCount == 10_000)
        #expect(opened.highestModSeq != nil)

        // The first sync: everything above UID 0.
        let uids = try await client.uidsAbove(0)
        #expect(uids.count == 10_000)
        let first = try await client.fetchSummaries(uids: uids)
        #expect(first.count == 10_000)
        #expect(first.map(\.uid) == uids.map { Optional($0) })
        let sample = first[1233]  // message 1234
        #expect(sample.headers.map { String(decoding: $0, as: UTF8.self) }?.contains("Subject: Сообщение 1234") == true)
        #expect(sample.flags?.contains(#"\Seen"#) == false)
        #expect(first[1232].flags?.contains(#"\Seen"#) == true)  // message 1233
        #expect(sample.textPart?.section == "1")  // the plain half of multipart/alternative
        #expect(sample.textPartPreview?.hasPrefix("Здравствуйте! Это письмо номер 1234.") == true)
        #expect(sample.modSeq != nil)
        #expect(first.allSatisfy { $0.textPartPreview?.isEmpty == false && $0.internalDate != nil && ($0.size ?? 0) > 0 })
        let checkpoint = try #require(first.last?.uid)

        // Five arrive; the next sync asks only for what is above the checkpoint.
        let late = (1...5).map { IMAPAppendMessage(message: Self.message(number: 20_000 + $0)) }
        try await client.append(mailbox: name, messages: late)
        let newUIDs = try await client.uidsAbove(checkpoint)
        #expect(newUIDs.count == 5)
        #expect(newUIDs.allSatisfy { $0 > checkpoint })
        let second = try await client.fetchSummaries(uids: newUIDs)
        #expect(second.compactMap(\.textPartPreview).map { $0.contains("номер 2000") } == [Bool](repeating: true, count: 5))
        // Nothing above the newest: the `n:*` answer is filtered out.
        #expect(try await client.uidsAbove(newUIDs.max() ?? checkpoint) == [])

        try await Self.remove(name, with: client)
        await client.logout()
    }

    @Test func recreatedMailboxHasANewUIDValidity() async throws {
        let server = try TestServers.imap()
        let client = try await IMAPTestEndpoints.dovecotSession(server)
        let name = IMAPTestServer.uniqueMailboxName("Validity")
        try await client.create(name)
        try await client.append(mailbox: name, message: Self.message(number: 1))
        let before = try await client.select(name)

        try await Self.remove(name, with: client)
        try await client.create(name)
        try await client.append(mailbox: name, message: Self.message(number: 2))
        let after = try await client.select(name)

        #expect(after.uidValidity != before.uidValidity)
        // A sync that kept (UIDVALIDITY, last UID) sees the change and starts over from 0.
        let lastUID: UInt32 = before.uidValidity == after.uidValidity ? 1 : 0
        #expect(try await client.uidsAbove(lastUID).count == 1)
        try await Self.remove(name, with: client)
        await client.logout()
    }

    // MARK: Labels as keywords

    @Test func cyrillicLabelSetOnOneConnectionIsReadOnAnother() async throws {
        let server = try TestServers.imap()
        let writer = try await IMAPTestEndpoints.dovecotSession(server)
        let reader = try await IMAPTestEndpoints.dovecotSession(server)
        let name = IMAPTestServer.uniqueMailboxName("Keywords")
        try await writer.create(name)
        let uids = try await writer.append(mailbox: name, messages: (1...3).map { IMAPAppendMessage(message: Self.message(number: $0)) })
        #expect(uids.count == 3)

        let label = "Горячий лид"
        let keyword = KeywordMapping.keyword(for: label)
        let writable = try await writer.select(name)
        #expect(writable.acceptsNewKeywords)
        let readable = try await reader.select(name)
        let modSeqBefore = try #require(readable.highestModSeq)

        try await writer.storeKeywords(uids: [uids[1]], add: [keyword, "Lead"])

        let flags = try await reader.fetch(uids: uids, items: [.flags])
        #expect(flags.map { $0.flags?.contains(keyword) ?? false } == [false, true, false])
        #expect(flags[1].flags?.contains("Lead") == true)
        #expect(try await reader.uidSearch([.keyword(keyword)]) == [uids[1]])
        let changed = try await reader.changes(sinceModSeq: modSeqBefore)
        #expect(changed.map(\.uid) == [uids[1]])

        try await writer.storeKeywords(uids: [uids[1]], remove: [keyword])
        let after = try await reader.fetch(uids: [uids[1]], items: [.flags])
        #expect(after.first?.flags?.contains(keyword) == false)
        #expect(after.first?.flags?.contains("Lead") == true)
        await #expect(throws: IMAPError.invalidArgument("\"\(label)\" is not a keyword atom; map it with KeywordMapping")) {
            try await writer.storeKeywords(uids: [uids[0]], add: [label])
        }

        try await Self.remove(name, with: writer)
        await writer.logout()
        await reader.logout()
    }

    // MARK: IDLE

    @Test func idleSeesAMessageAppendedByAnotherConnection() async throws {
        let server = try TestServers.imap()
        let watcher = try await IMAPTestEndpoints.dovecotSession(server)
        let sender = try await IMAPTestEndpoints.dovecotSession(server)
        let name = IMAPTestServer.uniqueMailboxName("Idle")
        try await sender.create(name)
        _ = try await watcher.select(name)

        let events = IdleEventLog()
        let idling = Task {
            try await watcher.idle { event in
                events.append(event)
                if case .exists(let count) = event, count > 0 { return .stop }
                return .keepIdling
            }
        }
        // Never wait forever: after 30 s the watcher is cancelled, which ends IDLE with DONE.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            idling.cancel()
        }
        try await IMAPWait.until { !events.all.isEmpty }
        let appended = try await sender.append(mailbox: name, message: Self.message(number: 7))
        try await idling.value
        watchdog.cancel()

        #expect(events.all.first == .idling)
        #expect(events.all.contains(.exists(1)))
        // Back from IDLE the session is in step and finds the new message by UID.
        let appendedUID = try #require(appended)
        #expect(try await watcher.uidsAbove(0) == [appendedUID])

        try await Self.remove(name, with: sender)
        await watcher.logout()
        await sender.logout()
    }

    // MARK: Helpers

    /// Dovecot disconnects a session whose selected mailbox is deleted, so leave it first.
    static func remove(_ name: String, with client: IMAPClient) async throws {
        _ = try await client.examine("INBOX")
        try await client.delete(name)
    }

    /// A multipart/alternative message in Russian, about 1.5 KB, numbered.
    static func message(number: Int) -> [UInt8] {
        let text = "Здравствуйте! Это письмо номер \(number). " + String(repeating: "Коммерческое предложение по поставке. ", count: 12)
        let html = "<html><body><p>Здравствуйте!</p><p>Письмо номер \(number).</p></body></html>"
        let encodedText = Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let lines = [
            "From: =?utf-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.ru>",
            "To: sales@smartysales.test",
            "Subject: Сообщение \(number)",
            "Date: Mon, 1 Jan 2024 10:00:00 +0300",
            "Message-ID: <m\(number)@example.ru>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"b\(number)\"",
            "",
            "--b\(number)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            encodedText,
            "--b\(number)",
            "Content-Type: text/html; charset=utf-8",
            "",
            html,
            "--b\(number)--",
        ]
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}
