import Foundation
import Testing
@testable import MIME
@testable import MailProtocols

// The IMAP connector as the pipeline uses it, against the real Dovecot and aiosmtpd that
// scripts/test starts (see Support/TestServers.swift; without them every test here fails
// naming the missing SMARTYSALES_TEST_* variable), plus scripted servers for Gmail's dialect and
// for what Dovecot will not do on demand. Every Dovecot test reads a folder of its own, created
// and deleted by the test, so the tests run in parallel on the one test user.

@Suite(.timeLimit(.minutes(5))) struct IMAPConnectorTests {
    static let day: TimeInterval = 86_400

    // MARK: First import, incremental sync, batches

    @Test func theFirstImportReadsTheWindowWithSnippetsInEveryCharset() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("ConnectorImport")
        try await helper.create(folder)
        let corpus = ConnectorCorpus.mixed(tag: folder)
        let old = IMAPAppendMessage(
            message: ConnectorCorpus.plain(id: "old-\(folder)@example.ru", subject: "Old", text: "Старое письмо"),
            internalDate: Date().addingTimeInterval(-30 * Self.day))
        var appends = corpus.map { IMAPAppendMessage(message: $0.bytes) }
        appends.insert(old, at: 2)
        let uids = try await helper.append(mailbox: folder, messages: appends)
        #expect(uids.count == 6)

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(server, folder: folder))
        let imported = try await Self.drain(connector, from: nil)
        #expect(imported.batches == 1)
        #expect(imported.messages.map(\.messageID) == corpus.map { Optional($0.messageID) }, "the 30-day-old message stays out")
        #expect(imported.messages.map(\.subject) == corpus.map { Optional($0.subject) })
        for (message, expected) in zip(imported.messages, corpus) {
            // Cut and spaced exactly as the MIME module does for the whole message.
            #expect(message.snippet == MessageSummary(parsing: expected.bytes).snippet, "\(expected.subject)")
            #expect(message.snippet.hasPrefix(expected.textStart), "\(expected.subject): \(message.snippet)")
            #expect(message.labels.isEmpty)
            let receivedAt = try #require(message.receivedAt)
            #expect(abs(receivedAt.timeIntervalSinceNow) < 600, "received at INTERNALDATE, not the Date header")
        }
        let first = try #require(imported.messages.first)
        #expect(first.from == [MailAddress(name: "Иван Петров", address: "ivan@example.ru")])
        #expect(first.to == [MailAddress(name: nil, address: "sales@smartysales.test")])
        #expect(first.snippet == "Здравствуйте!\nПросим выставить счёт на 10 ноутбуков.\nС уважением,\nИван Петров")
        let reply = try #require(imported.messages.last)
        #expect(reply.inReplyTo == ["offer-1@smartysales.test"])
        #expect(reply.references == ["thread-0@smartysales.test", "offer-1@smartysales.test"])
        #expect(!reply.snippet.contains("JVBER"), "the attachment is not the text")

        guard case .imap(let validity, let lastUID, let modSeq)? = imported.checkpoint else {
            Issue.record("expected an IMAP checkpoint, got \(String(describing: imported.checkpoint))")
            return
        }
        #expect(lastUID == uids.last)
        #expect(modSeq != nil)
        // Item ids name the folder's UIDVALIDITY and the UID.
        let ids = imported.messages.compactMap { IMAPItemID($0.item) }
        #expect(ids == uids.enumerated().filter { $0.offset != 2 }.map { IMAPItemID.uid(uidValidity: validity, uid: $0.element) })
        #expect(imported.messages.first?.item.rawValue == "imap:\(validity):\(uids[0])")

        await connector.close()
        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    @Test func anIncrementalFetchReturnsOnlyWhatArrivedSince() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("ConnectorIncremental")
        try await helper.create(folder)
        try await helper.append(mailbox: folder, messages: (1...3).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(server, folder: folder))
        let first = try await Self.drain(connector, from: nil)
        #expect(first.messages.compactMap(\.messageID) == ["m1@example.ru", "m2@example.ru", "m3@example.ru"])
        #expect(first.messages.first?.snippet.hasPrefix("Здравствуйте! Это письмо номер 1.") == true)

        let quiet = try await connector.fetchNew(since: first.checkpoint)
        #expect(quiet.messages.isEmpty)
        #expect(!quiet.hasMore)

        try await helper.append(mailbox: folder, messages: [4, 5].map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })
        let second = try await connector.fetchNew(since: quiet.checkpoint)
        #expect(second.messages.compactMap(\.messageID) == ["m4@example.ru", "m5@example.ru"])
        #expect(!second.hasMore)
        let third = try await connector.fetchNew(since: second.checkpoint)
        #expect(third.messages.isEmpty)
        #expect(third.checkpoint == second.checkpoint)

        await connector.close()
        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    @Test func aLargeImportComesInBatchesWhileHasMoreIsTrue() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("ConnectorBatches")
        try await helper.create(folder)
        try await helper.append(mailbox: folder, messages: (1...5).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(server, folder: folder, batchSize: 2))
        var checkpoint: MailboxCheckpoint?
        var sizes: [Int] = []
        var hasMore: [Bool] = []
        var ids: [String] = []
        repeat {
            let batch = try await connector.fetchNew(since: checkpoint)
            sizes.append(batch.messages.count)
            hasMore.append(batch.hasMore)
            ids += batch.messages.compactMap(\.messageID)
            checkpoint = batch.checkpoint
        } while hasMore.last == true && sizes.count < 10
        #expect(sizes == [2, 2, 1])
        #expect(hasMore == [true, true, false])
        #expect(ids == (1...5).map { "m\($0)@example.ru" })

        await connector.close()
        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    @Test func aNewUIDValidityStartsOverAndMessageIDsStillMatch() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("ConnectorValidity")
        try await helper.create(folder)
        let messages = (1...3).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) }
        try await helper.append(mailbox: folder, messages: messages)

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(server, folder: folder))
        let before = try await Self.drain(connector, from: nil)
        #expect(before.messages.count == 3)

        // Deleting the folder the connector has selected makes Dovecot drop the connector's
        // connection: the next call has to reconnect as well as notice the new UIDVALIDITY.
        try await helper.delete(folder)
        try await helper.create(folder)
        try await helper.append(mailbox: folder, messages: messages + [IMAPAppendMessage(message: IMAPDovecotTests.message(number: 4))])

        let after = try await Self.drain(connector, from: before.checkpoint)
        #expect(after.messages.compactMap(\.messageID) == (1...4).map { "m\($0)@example.ru" })
        guard case .imap(let oldValidity, _, _)? = before.checkpoint, case .imap(let newValidity, _, _)? = after.checkpoint else {
            Issue.record("expected IMAP checkpoints")
            return
        }
        #expect(oldValidity != newValidity)
        // New ids for the same messages: the caller deduplicates by Message-ID and keeps the new id.
        #expect(Set(before.messages.map(\.item)).isDisjoint(with: after.messages.map(\.item)))
        let known = Set(before.messages.compactMap(\.messageID))
        #expect(after.messages.filter { known.contains($0.messageID ?? "") }.count == 3)

        let oldItem = try #require(before.messages.first?.item)
        await #expect(throws: IMAPConnectorError.staleItem(oldItem)) {
            try await connector.applyLabels(["Lead"], to: oldItem)
        }
        let newItem = try #require(after.messages.first?.item)
        try await connector.applyLabels(["Lead"], to: newItem)

        await connector.close()
        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    // MARK: Labels, read, move

    @Test func labelsBecomeKeywordsThatAnotherConnectionSees() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("ConnectorLabels")
        let elsewhere = IMAPTestServer.uniqueMailboxName("ConnectorMoved")
        try await helper.create(folder)
        let uids = try await helper.append(mailbox: folder, messages: (1...3).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })
        #expect(uids.count == 3)

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(server, folder: folder))
        let items = try await Self.drain(connector, from: nil).messages.map(\.item)
        try #require(items.count == 3)
        let hot = KeywordMapping.keyword(for: "Горячий лид")

        try await connector.applyLabels(["Горячий лид", "Lead", " "], to: items[0])
        _ = try await helper.select(folder)
        let flags = try await helper.fetch(uids: uids, items: [.flags])
        #expect(flags.map { $0.flags?.contains(hot) == true } == [true, false, false])
        #expect(flags.first?.flags?.contains("Lead") == true)

        // Again, and in another letter case: nothing is stored, so the mod-sequence stays.
        let modSeqBefore = try await helper.status(of: folder).highestModSeq
        try await connector.applyLabels(["Горячий лид", "lead"], to: items[0])
        #expect(try await helper.status(of: folder).highestModSeq == modSeqBefore)

        // A fresh import sees the keywords as the message's labels.
        let reader = IMAPMailboxConnector(settings: Self.dovecotSettings(server, folder: folder))
        let relisted = try await Self.drain(reader, from: nil).messages
        #expect(Set(relisted.first?.labels ?? []) == [hot, "Lead"])
        await reader.close()

        try await connector.removeLabels(["Lead"], from: items[0])
        let afterRemoval = try await helper.fetch(uids: [uids[0]], items: [.flags])
        #expect(afterRemoval.first?.flags?.contains("Lead") == false)
        #expect(afterRemoval.first?.flags?.contains(hot) == true)

        try await connector.markAsRead(items[1])
        let read = try await helper.fetch(uids: [uids[1]], items: [.flags])
        #expect(read.first?.flags?.contains(#"\Seen"#) == true)

        // The target does not exist yet: TRYCREATE, created, moved.
        let moved = try await connector.move(items[2], to: elsewhere)
        #expect(!moved.originalLeftBehind)
        _ = try await helper.noop()  // hear the other session's expunge
        #expect(try await helper.fetch(uids: [uids[2]], items: [.flags]).isEmpty)
        #expect(try await helper.status(of: elsewhere).messageCount == 1)
        await #expect(throws: IMAPConnectorError.itemNotFound(items[2])) {
            try await connector.applyLabels(["Lead"], to: items[2])
        }
        let foreign = MailboxItemID("AAMkAGI2TG93AAA=")
        await #expect(throws: IMAPConnectorError.invalidItemID(foreign)) {
            try await connector.applyLabels(["Lead"], to: foreign)
        }

        await connector.close()
        _ = try await helper.examine("INBOX")
        try await helper.delete(elsewhere)
        try await helper.delete(folder)
        await helper.logout()
    }

    @Test func aFolderThatKeepsNoNewKeywordsRefusesLabelsWithATypedError() async throws {
        try await withScriptedServer({ _ in ConnectorScripts.limitedKeywords() }) { server in
            let connector = IMAPMailboxConnector(settings: Self.scriptedSettings(server, folder: "INBOX"))
            let error = await #expect(throws: IMAPConnectorError.self) {
                try await connector.applyLabels(["Лид"], to: IMAPItemID.uid(uidValidity: 7, uid: 3).item)
            }
            guard case .labelsNotSupported(let folder, let reason)? = error else {
                Issue.record("expected labelsNotSupported, got \(String(describing: error))")
                return
            }
            #expect(folder == "INBOX")
            #expect(reason.contains("PERMANENTFLAGS"))
            await connector.close()
            #expect(!server.receivedLines[0].contains { $0.contains("STORE") })
        }
    }

    @Test func aConnectionTheServerDroppedIsReplacedUnnoticed() async throws {
        try await withScriptedServer({ connection in ConnectorScripts.droppingIdleConnection(connection) }) { server in
            let connector = IMAPMailboxConnector(settings: Self.scriptedSettings(server, folder: "INBOX"))
            let first = try await connector.fetchNew(since: nil)
            #expect(first.messages.isEmpty)
            #expect(first.checkpoint == .imap(uidValidity: 7, lastUID: 0, highestModSeq: nil))
            // The server said BYE to the kept connection in the meantime.
            let second = try await connector.fetchNew(since: first.checkpoint)
            #expect(second.checkpoint == first.checkpoint)
            #expect(server.connectionCount == 2)
            await connector.close()
        }
    }

    // MARK: Sending

    @Test func sendDeliversByteExactAndFilesTheSameBytesInSent() async throws {
        let imap = try TestServers.imap()
        let smtp = try TestServers.smtp()
        let helper = try await IMAPTestEndpoints.dovecotSession(imap)
        let sent = IMAPTestServer.uniqueMailboxName("ConnectorSent")
        try await helper.create(sent)
        let recipient = SMTPTestServer.uniqueRecipient("connector")
        let hidden = SMTPTestServer.uniqueRecipient("connector-bcc")

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(imap, smtp: smtp, folder: "INBOX", sentFolder: sent))
        let message = OutgoingMessage(
            from: MailAddress(name: "Отдел продаж", address: "sales@smartysales.test"),
            to: [MailAddress(name: "Иван Петров", address: recipient)],
            bcc: [MailAddress(name: nil, address: hidden)],
            subject: "Коммерческое предложение",
            textBody: "Добрый день, Иван!\n\nНаправляем коммерческое предложение.")
        let report = try await connector.sendWithReport(message)
        #expect(report.smtp.acceptedRecipients == [recipient, hidden])

        let delivered = try smtp.delivered(to: recipient)
        try #require(delivered.count == 1)
        #expect(try smtp.delivered(to: hidden).count == 1)
        let summary = MessageSummary(parsing: delivered[0].bytes)
        #expect(summary.subject == "Коммерческое предложение")
        #expect(summary.messageID == message.messageID)
        #expect(summary.to.map(\.address) == [recipient])
        #expect(summary.snippet == "Добрый день, Иван!\nНаправляем коммерческое предложение.")
        #expect(!String(decoding: delivered[0].bytes, as: UTF8.self).contains(hidden), "Bcc never in the message")

        guard case .appended(let folder, let uid?) = report.sentCopy else {
            Issue.record("expected a copy appended with its UID, got \(report.sentCopy)")
            return
        }
        #expect(folder == sent)
        _ = try await helper.select(sent)
        let copy = try #require(try await helper.fetch(uids: [uid], items: [.flags, .section("", window: nil)]).first)
        #expect(copy.sections[""] == delivered[0].bytes, "the Sent copy is the bytes that were sent")
        #expect(copy.flags?.contains(#"\Seen"#) == true)

        // The protocol's `send` does the same.
        let second = OutgoingMessage(
            from: MailAddress(name: nil, address: "sales@smartysales.test"), to: [MailAddress(name: nil, address: recipient)],
            subject: "Second", textBody: "Hello again.")
        try await connector.send(second)
        #expect(try smtp.delivered(to: recipient).count == 2)
        // STATUS of the selected folder may answer from the session's own view (RFC 9051 6.3.11):
        // leave it first so the copy appended by the connector's connection is counted.
        _ = try await helper.select("INBOX")
        #expect(try await helper.status(of: sent).messageCount == 2)

        await connector.close()
        try await IMAPDovecotTests.remove(sent, with: helper)
        await helper.logout()
        try smtp.clearDelivered(to: recipient)
    }

    // MARK: Test connection

    @Test func testConnectionReportsFoldersCapabilitiesAndBothLogins() async throws {
        let imap = try TestServers.imap()
        let smtp = try TestServers.smtp()
        let helper = try await IMAPTestEndpoints.dovecotSession(imap)
        let folder = IMAPTestServer.uniqueMailboxName("ConnectorTest")
        try await helper.create(folder)

        let connector = IMAPMailboxConnector(settings: Self.dovecotSettings(imap, smtp: smtp, folder: folder))
        let report = try await connector.testConnection()
        #expect(report.serverID["name"] == "Dovecot")
        #expect(!report.isGmail)
        #expect(report.labelStyle == .keywords)
        for name in ["IDLE", "CONDSTORE", "MOVE", "UIDPLUS", "SPECIAL-USE", "ESEARCH"] {
            #expect(report.capabilities.contains(name), "\(name)")
        }
        #expect(report.specialUseFolders[.sent] == "Sent")
        #expect(report.specialUseFolders[.trash] == "Trash")
        #expect(report.sentFolder == "Sent")
        #expect(report.folders.contains { $0.name == folder })
        #expect(report.folder?.name == folder)
        #expect(report.labelsCanBeStored)
        #expect(report.smtpCapabilities.authMechanisms.contains("PLAIN"))

        let missing = IMAPMailboxConnector(settings: Self.dovecotSettings(imap, smtp: smtp, folder: "Missing-\(UUID().uuidString)"))
        #expect(try await missing.testConnection().folder == nil)

        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    @Test func testConnectionSaysWhatIsWrongInPlainWords() async throws {
        let imap = try TestServers.imap()
        let smtp = try TestServers.smtp()

        var wrongIMAP = Self.dovecotSettings(imap, smtp: smtp, folder: "INBOX")
        wrongIMAP.password += "-wrong"
        let imapError = await #expect(throws: IMAPError.self) { try await IMAPMailboxConnector(settings: wrongIMAP).testConnection() }
        #expect(imapError == .authenticationFailed("Authentication failed."))
        #expect(imapError.map { MailConnectionProblem($0) } == MailConnectionProblem(
            kind: .wrongPassword, service: .imap, detail: String(describing: IMAPError.authenticationFailed("Authentication failed."))))

        var wrongSMTP = Self.dovecotSettings(imap, smtp: smtp, folder: "INBOX")
        wrongSMTP.smtpLogin = .separate(SMTPCredentials(username: smtp.username, password: smtp.password + "-wrong"))
        let smtpError = await #expect(throws: SMTPError.self) { try await IMAPMailboxConnector(settings: wrongSMTP).testConnection() }
        let smtpProblem = smtpError.map { MailConnectionProblem($0) }
        #expect(smtpProblem?.kind == .wrongPassword)
        #expect(smtpProblem?.service == .smtp)

        var untrusted = Self.dovecotSettings(imap, smtp: smtp, folder: "INBOX")
        untrusted.imap.trust = .system
        let tlsError = await #expect(throws: IMAPError.self) { try await IMAPMailboxConnector(settings: untrusted).testConnection() }
        #expect(tlsError.map { MailConnectionProblem($0).kind } == .tlsProblem)

        let probe = try await ScriptedServer.start { _ in ScriptedSteps(greeting: [], steps: []) }
        let closedPort = probe.port
        await probe.stop()
        var unreachable = Self.dovecotSettings(imap, smtp: smtp, folder: "INBOX")
        unreachable.imap = MailServerEndpoint(host: "127.0.0.1", port: closedPort, tls: .implicit, connectTimeout: .seconds(2))
        let reachError = await #expect(throws: IMAPError.self) { try await IMAPMailboxConnector(settings: unreachable).testConnection() }
        #expect(reachError.map { MailConnectionProblem($0).kind } == .hostUnreachable)
    }

    // MARK: Gmail's dialect (scripted)

    @Test func gmailMessagesAreNamedByXGMMSGIDAndLabelledWithXGMLABELS() async throws {
        try await withScriptedServer({ _ in GmailConnectorScript.conversation() }) { server in
            let folder = "[Gmail]/Вся почта"
            let connector = IMAPMailboxConnector(settings: Self.gmailSettings(server, folder: folder))
            let first = try await connector.fetchNew(since: nil)
            #expect(first.hasMore)
            #expect(first.checkpoint == .imap(uidValidity: 11, lastUID: 5, highestModSeq: 987_654))
            #expect(first.messages.map(\.item.rawValue) == ([1, 2, 3, 5] as [UInt64]).map { "gmail:\(GmailConnectorScript.firstMessageID + $0)" })
            let message = try #require(first.messages.first)
            #expect(message.from == [MailAddress(name: "Иван", address: "ivan@example.ru")])
            #expect(message.subject == "Message 1")
            #expect(message.messageID == "m1@example.ru")
            #expect(message.snippet == "Привет, мир! Это тест.")
            #expect(message.labels == [#"\Inbox"#, #"\Important"#, "Клиенты"])
            #expect(message.receivedAt == Date(timeIntervalSince1970: 1_700_000_000))

            let second = try await connector.fetchNew(since: first.checkpoint)
            #expect(!second.hasMore)
            #expect(second.messages.compactMap(\.messageID) == ["m7@example.ru", "m8@example.ru", "m9@example.ru"])
            // Nothing new: `UID 10:*` answers UID 9, which is dropped, and the checkpoint moves
            // up to UIDNEXT - 1.
            let third = try await connector.fetchNew(since: second.checkpoint)
            #expect(third.messages.isEmpty)
            #expect(third.checkpoint == .imap(uidValidity: 11, lastUID: 4241, highestModSeq: 987_654))

            let fifth = first.messages[3].item
            try await connector.applyLabels(["Custom Label", "клиенты"], to: fifth)
            try await connector.applyLabels(["Клиенты"], to: fifth)
            await connector.close()

            let lines = server.receivedLines[0]
            #expect(lines.filter { $0.contains("UID STORE") }.count == 1)
            #expect(lines.contains { $0.hasSuffix(#"UID STORE 5 +X-GM-LABELS ("Custom Label")"#) })
            #expect(lines.filter { $0.contains("SELECT") }.count == 3, "labelling reuses the selection of the fetch")
            // The second batch is the rest of the first search, not searched for again; the
            // third, with nothing left over, searches above the last UID returned.
            #expect(lines.filter { $0.contains("UID SEARCH") }.count == 2)
            #expect(!lines.contains { $0.contains("UID SEARCH RETURN (ALL) UID 6:* SINCE ") })
            #expect(lines.contains { $0.contains("UID SEARCH RETURN (ALL) UID 10:* SINCE ") })

            // Another process, nothing remembered: the message is found by X-GM-MSGID.
            let other = IMAPMailboxConnector(settings: Self.gmailSettings(server, folder: folder))
            try await other.applyLabels(["Custom Label"], to: MailboxItemID("gmail:\(GmailConnectorScript.firstMessageID + 7)"))
            let unknown = MailboxItemID("gmail:42")
            await #expect(throws: IMAPConnectorError.itemNotFound(unknown)) {
                try await other.applyLabels(["Custom Label"], to: unknown)
            }
            await other.close()
            let otherLines = server.receivedLines[1]
            #expect(otherLines.contains { $0.hasSuffix("UID SEARCH RETURN (ALL) X-GM-MSGID \(GmailConnectorScript.firstMessageID + 7)") })
            #expect(otherLines.contains { $0.hasSuffix(#"UID STORE 7 +X-GM-LABELS ("Custom Label")"#) })
        }
    }

    @Test func gmailFilesSentMailItselfSoNothingIsAppended() async throws {
        let smtp = try TestServers.smtp()
        try await withScriptedServer({ _ in GmailConnectorScript.conversation() }) { server in
            var settings = Self.gmailSettings(server, folder: "INBOX")
            settings.smtp = MailServerEndpoint(host: smtp.host, port: smtp.plainPort, tls: .none, connectTimeout: .seconds(5))
            settings.smtpLogin = .noAuthentication
            let connector = IMAPMailboxConnector(settings: settings)
            let recipient = SMTPTestServer.uniqueRecipient("gmail-connector")
            let report = try await connector.sendWithReport(OutgoingMessage(
                from: MailAddress(name: nil, address: GmailScript.user), to: [MailAddress(name: nil, address: recipient)],
                subject: "Привет", textBody: "Тест."))
            #expect(report.sentCopy == .leftToServer)
            #expect(try smtp.delivered(to: recipient).count == 1)
            await connector.close()
            #expect(!server.receivedLines.joined().contains { $0.contains("APPEND") })
            try smtp.clearDelivered(to: recipient)
        }
    }

    // MARK: Helpers

    /// Calls `fetchNew` until `hasMore` is false, as the pipeline does, storing each checkpoint.
    static func drain(_ connector: IMAPMailboxConnector, from start: MailboxCheckpoint?) async throws
        -> (messages: [MailboxMessage], checkpoint: MailboxCheckpoint?, batches: Int)
    {
        var checkpoint = start
        var messages: [MailboxMessage] = []
        var batches = 0
        while batches < 20 {
            let batch = try await connector.fetchNew(since: checkpoint)
            messages += batch.messages
            checkpoint = batch.checkpoint
            batches += 1
            if !batch.hasMore { break }
        }
        return (messages, checkpoint, batches)
    }

    /// Never connected to: for tests that do not send.
    static let unusedSMTP = MailServerEndpoint(host: "127.0.0.1", port: 9, tls: .none, connectTimeout: .seconds(1))

    static func dovecotSettings(_ imap: IMAPTestServer, smtp: SMTPTestServer? = nil, folder: String, batchSize: Int = 200,
                                sentFolder: String? = nil) -> IMAPMailboxSettings {
        var settings = IMAPMailboxSettings(
            imap: IMAPTestEndpoints.dovecot(imap, tls: .implicit), username: imap.username, password: imap.password,
            smtp: unusedSMTP, smtpLogin: .noAuthentication, folder: folder, batchSize: batchSize, sentFolder: sentFolder)
        if let smtp {
            settings.smtp = MailServerEndpoint(
                host: smtp.host, port: smtp.starttlsPort, tls: .startTLS, trust: .customCA(pem: smtp.caPEM),
                connectTimeout: .seconds(5), commandTimeout: .seconds(20))
            settings.smtpLogin = .separate(SMTPCredentials(username: smtp.username, password: smtp.password))
        }
        return settings
    }

    static func scriptedSettings(_ server: ScriptedServer, folder: String) -> IMAPMailboxSettings {
        IMAPMailboxSettings(
            imap: IMAPTestEndpoints.scripted(server), username: "user", password: "secret",
            smtp: unusedSMTP, smtpLogin: .noAuthentication, folder: folder)
    }

    static func gmailSettings(_ server: ScriptedServer, folder: String) -> IMAPMailboxSettings {
        IMAPMailboxSettings(
            imap: IMAPTestEndpoints.scripted(server), username: GmailScript.user, password: GmailScript.appPassword,
            smtp: unusedSMTP, folder: folder, batchSize: 4)
    }
}

/// Messages in the charsets and shapes Russian business mail arrives in.
enum ConnectorCorpus {
    struct Message {
        let messageID: String
        let subject: String
        /// How the snippet starts.
        let textStart: String
        let bytes: [UInt8]
    }

    /// UTF-8 base64, windows-1251 quoted-printable, KOI8-R 8bit, Latin-1 HTML, and an English
    /// reply with a PDF attached; ids made unique with `tag`.
    static func mixed(tag: String) -> [Message] {
        let utf8Text = "Здравствуйте!\r\nПросим выставить счёт на 10 ноутбуков.\r\n\r\nС уважением,\r\nИван Петров"
        let cp1251Text = "Добрый день! Счёт №42 во вложении, оплатите до пятницы."
        let koi8Text = "Коммерческое предложение: скидка 15% до конца месяца."
        let html = "<html><head><style>p { color: red }</style></head><body><p>Café order &amp; invoice</p><p>Total: 42 EUR</p></body></html>"
        let pdf = Data("%PDF-1.4 price list".utf8).base64EncodedString()
        let boundary = "mixed-\(tag)"
        return [
            Message(
                messageID: "utf8-\(tag)@example.ru", subject: "Заявка на поставку", textStart: "Здравствуйте!",
                bytes: build([
                    "From: \(word("Иван Петров")) <ivan@example.ru>",
                    "To: sales@smartysales.test",
                    "Subject: \(word("Заявка на поставку"))",
                    "Date: Mon, 1 Jan 2024 10:00:00 +0300",
                    "Message-ID: <utf8-\(tag)@example.ru>",
                    "MIME-Version: 1.0",
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: base64",
                ], body: Array(Data(utf8Text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]).utf8))),
            Message(
                messageID: "cp1251-\(tag)@example.ru", subject: "Счёт №42", textStart: "Добрый день! Счёт №42",
                bytes: build([
                    "From: buh@example.ru",
                    "To: sales@smartysales.test",
                    "Subject: =?windows-1251?B?\(Data(windows1251("Счёт №42")).base64EncodedString())?=",
                    "Message-ID: <cp1251-\(tag)@example.ru>",
                    "MIME-Version: 1.0",
                    "Content-Type: text/plain; charset=windows-1251",
                    "Content-Transfer-Encoding: quoted-printable",
                ], body: Array(quotedPrintable(windows1251(cp1251Text)).utf8))),
            Message(
                messageID: "koi8-\(tag)@example.ru", subject: "Коммерческое предложение", textStart: "Коммерческое предложение: скидка 15%",
                bytes: build([
                    "From: offers@example.ru",
                    "To: sales@smartysales.test",
                    "Subject: =?koi8-r?B?\(Data(koi8R("Коммерческое предложение")).base64EncodedString())?=",
                    "Message-ID: <koi8-\(tag)@example.ru>",
                    "MIME-Version: 1.0",
                    "Content-Type: text/plain; charset=koi8-r",
                    "Content-Transfer-Encoding: 8bit",
                ], body: koi8R(koi8Text))),
            Message(
                messageID: "latin1-\(tag)@example.com", subject: "Order confirmation", textStart: "Café order & invoice",
                bytes: build([
                    "From: Jane Doe <jane@example.com>",
                    "To: sales@smartysales.test",
                    "Subject: Order confirmation",
                    "Message-ID: <latin1-\(tag)@example.com>",
                    "MIME-Version: 1.0",
                    "Content-Type: text/html; charset=iso-8859-1",
                    "Content-Transfer-Encoding: quoted-printable",
                ], body: Array(quotedPrintable(latin1(html)).utf8))),
            Message(
                messageID: "reply-\(tag)@example.com", subject: "Re: Price list", textStart: "Thanks, see the attached price list.",
                bytes: build([
                    "From: Jane Doe <jane@example.com>",
                    "To: sales@smartysales.test",
                    "Subject: Re: Price list",
                    "Message-ID: <reply-\(tag)@example.com>",
                    "In-Reply-To: <offer-1@smartysales.test>",
                    "References: <thread-0@smartysales.test> <offer-1@smartysales.test>",
                    "MIME-Version: 1.0",
                    "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
                ], body: Array([
                    "--\(boundary)",
                    "Content-Type: text/plain; charset=us-ascii",
                    "",
                    "Thanks, see the attached price list.",
                    "--\(boundary)",
                    "Content-Type: application/pdf; name=\"prices.pdf\"",
                    "Content-Disposition: attachment; filename=\"prices.pdf\"",
                    "Content-Transfer-Encoding: base64",
                    "",
                    pdf,
                    "--\(boundary)--",
                ].joined(separator: "\r\n").utf8))),
        ]
    }

    static func plain(id: String, subject: String, text: String) -> [UInt8] {
        build([
            "From: ivan@example.ru", "Subject: \(word(subject))", "Message-ID: <\(id)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ], body: Array(text.utf8))
    }

    static func build(_ headers: [String], body: [UInt8]) -> [UInt8] {
        Array((headers.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body + Array("\r\n".utf8)
    }

    /// An RFC 2047 encoded word in UTF-8.
    static func word(_ text: String) -> String {
        "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func windows1251(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar -> UInt8 in
            switch scalar.value {
            case 0..<0x80: return UInt8(scalar.value)
            case 0x0410...0x044F: return UInt8(scalar.value - 0x0410 + 0xC0)
            case 0x0401: return 0xA8
            case 0x0451: return 0xB8
            case 0x2116: return 0xB9
            default: return UInt8(ascii: "?")
            }
        }
    }

    static func koi8R(_ text: String) -> [UInt8] {
        var bytes: [UInt32: UInt8] = [:]
        for (index, scalar) in SingleByteCharsetTables.koi8R.enumerated() { bytes[scalar] = UInt8(0x80 + index) }
        return text.unicodeScalars.map { scalar -> UInt8 in
            scalar.value < 0x80 ? UInt8(scalar.value) : bytes[scalar.value] ?? UInt8(ascii: "?")
        }
    }

    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar -> UInt8 in scalar.value < 0x100 ? UInt8(scalar.value) : UInt8(ascii: "?") }
    }

    /// Quoted-printable with soft line breaks before 76 characters, never inside an escape.
    static func quotedPrintable(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF")
        var lines: [String] = []
        var line = ""
        for byte in bytes {
            let piece = byte >= 0x80 || byte == UInt8(ascii: "=")
                ? "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
                : String(UnicodeScalar(byte))
            if line.count + piece.count > 72 {
                lines.append(line + "=")
                line = ""
            }
            line += piece
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }
}

/// Scripted servers for what Dovecot will not do on demand.
enum ConnectorScripts {
    static let greeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready"

    /// A server whose INBOX keeps only the flags it lists: no `\*` in PERMANENTFLAGS.
    static func limitedKeywords() -> ScriptedReplies {
        ScriptedReplies(greeting: [.line(greeting)]) { line in
            let client = ClientLine(line)
            if client.hasPrefix("AUTHENTICATE") { return [.line("\(client.tag) OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] Logged in")] }
            if client.hasPrefix("SELECT") {
                return [
                    #"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)"#,
                    #"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)] Limited"#,
                    "* 3 EXISTS",
                    "* OK [UIDVALIDITY 7] UIDs valid",
                    "* OK [UIDNEXT 4] Predicted next UID",
                    "\(client.tag) OK [READ-WRITE] Select completed",
                ].map(ScriptedAction.line)
            }
            if client.hasPrefix("LOGOUT") { return [.line("* BYE Logging out"), .line("\(client.tag) OK Logout completed")] }
            return [.line("\(client.tag) BAD Unexpected command")]
        }
    }

    /// An empty INBOX; the first connection is dropped with BYE when it is used a second time,
    /// as servers do with connections left idle too long.
    static func droppingIdleConnection(_ connection: Int) -> ScriptedReplies {
        let selects = SelectCount()
        return ScriptedReplies(greeting: [.line(greeting)]) { line in
            let client = ClientLine(line)
            if client.hasPrefix("AUTHENTICATE") { return [.line("\(client.tag) OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] Logged in")] }
            if client.hasPrefix("SELECT") {
                selects.count += 1
                if connection == 0, selects.count > 1 { return [.line("* BYE Autologout; idle for too long"), .close] }
                return [
                    #"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)"#,
                    #"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted"#,
                    "* 0 EXISTS",
                    "* OK [UIDVALIDITY 7] UIDs valid",
                    "* OK [UIDNEXT 1] Predicted next UID",
                    "\(client.tag) OK [READ-WRITE] Select completed",
                ].map(ScriptedAction.line)
            }
            if client.hasPrefix("UID SEARCH") { return [.line("* SEARCH"), .line("\(client.tag) OK Search completed")] }
            if client.hasPrefix("LOGOUT") { return [.line("* BYE Logging out"), .line("\(client.tag) OK Logout completed")] }
            return [.line("\(client.tag) BAD Unexpected command")]
        }
    }

    /// Lives on the connection's event loop only.
    final class SelectCount {
        var count = 0
    }
}

/// Gmail as `GmailScript` plays it, plus what the connector asks beyond that script: searches
/// by date, by UID range and by X-GM-MSGID, and label STOREs on any message.
final class GmailConnectorScript {
    static let uids: [UInt32] = [1, 2, 3, 5, 7, 8, 9]
    static let firstMessageID: UInt64 = 1_278_455_344_230_334_000
    private let gmail = GmailScript()

    static func conversation() -> ScriptedReplies {
        let script = GmailConnectorScript()
        return ScriptedReplies(greeting: [.line(GmailScript.greeting)]) { line in script.reply(to: line) }
    }

    func reply(to line: String) -> [ScriptedAction] {
        let client = ClientLine(line)
        if client.hasPrefix("UID SEARCH ") {
            let found = Self.search(client.command)
            let all = found.isEmpty ? "" : " ALL \(IMAPSequenceSet(found))"
            return [.line(#"* ESEARCH (TAG "\#(client.tag)") UID\#(all)"#), .line("\(client.tag) OK SEARCH completed (Success)")]
        }
        if client.hasPrefix("UID STORE ") {
            let words = client.command.split(separator: " ").map { String($0) }
            let uid = words.count > 2 ? words[2] : "0"
            let number = UInt32(uid).flatMap { GmailScript.sequence[$0] } ?? 1
            return [
                .line(#"* \#(number) FETCH (X-GM-LABELS (\Inbox "Custom Label") UID \#(uid))"#),
                .line("\(client.tag) OK Success"),
            ]
        }
        return gmail.reply(to: line)
    }

    /// `X-GM-MSGID n` finds that message; `UID n:*` the UIDs from n, or the highest UID when
    /// there are none (Gmail's `n:*` quirk); anything else (SINCE) every message.
    static func search(_ command: String) -> [UInt32] {
        let words = command.split(separator: " ").map { String($0) }
        if let index = words.firstIndex(of: "X-GM-MSGID"), index + 1 < words.count, let id = UInt64(words[index + 1]) {
            return uids.filter { firstMessageID + UInt64($0) == id }
        }
        if let range = words.first(where: { $0.hasSuffix(":*") }), let lower = UInt32(range.dropLast(2)) {
            let above = uids.filter { $0 >= lower }
            return above.isEmpty ? Array(uids.suffix(1)) : above
        }
        return uids
    }
}
