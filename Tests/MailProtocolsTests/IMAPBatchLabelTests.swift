import Foundation
import Testing
@testable import MailProtocols

// `IMAPMailboxConnector.applyLabels(_:toEach:)`: against the real Dovecot that scripts/test
// starts (each test in a folder of its own), and against scripted servers for the exact commands
// a batch sends, which Dovecot does not show.

@Suite(.timeLimit(.minutes(5))) struct IMAPBatchLabelTests {
    // MARK: Dovecot

    @Test func threeHundredMessagesAreLabelledInOneCallThatChangesNothingTheSecondTime() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("BatchLabels")
        try await helper.create(folder)
        let uids = try await helper.append(mailbox: folder, messages: (1...300).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })
        try #require(uids.count == 300)
        let before = try await helper.status(of: folder)
        let items = uids.map { IMAPItemID.uid(uidValidity: before.uidValidity, uid: $0).item }
        let hot = KeywordMapping.keyword(for: "Горячий лид")

        let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.dovecotSettings(server, folder: folder))
        let failures = try await connector.applyLabels(["Горячий лид", "Lead"], toEach: items)
        #expect(failures.isEmpty, "\(failures)")

        // Another connection sees both keywords on every message.
        _ = try await helper.select(folder)
        let flags = try await helper.fetch(uids: uids, items: [.flags])
        #expect(flags.count == 300)
        let labelled = flags.filter { message in
            let keywords = message.flags ?? []
            return keywords.contains(hot) && keywords.contains("Lead")
        }
        #expect(labelled.count == 300)

        // STATUS is read with another folder selected, so it is the server's count and not the
        // helper session's view; the first call did move it.
        _ = try await helper.examine("INBOX")
        let modSeqAfterFirst = try #require(try await helper.status(of: folder).highestModSeq)
        #expect(modSeqAfterFirst > (before.highestModSeq ?? 0))

        // Again, and in another letter case: nothing is stored, so the mod-sequence stays.
        let again = try await connector.applyLabels(["lead", "Горячий лид"], toEach: items)
        #expect(again.isEmpty, "\(again)")
        #expect(try await helper.status(of: folder).highestModSeq == modSeqAfterFirst)

        await connector.close()
        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    @Test func missingStaleAndForeignItemsAreReportedAndTheRestLabelled() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("BatchLabelFailures")
        try await helper.create(folder)
        let uids = try await helper.append(mailbox: folder, messages: (1...5).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })
        try #require(uids.count == 5)
        let validity = try await helper.status(of: folder).uidValidity

        let good = uids[0..<3].map { IMAPItemID.uid(uidValidity: validity, uid: $0).item }
        let missing = IMAPItemID.uid(uidValidity: validity, uid: uids[4] + 1_000).item
        // A real message's UID under another UIDVALIDITY: it must not be labelled.
        let stale = IMAPItemID.uid(uidValidity: validity &+ 1, uid: uids[3]).item
        let foreign = MailboxItemID("AAMkAGI2TG93AAA=")

        let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.dovecotSettings(server, folder: folder))
        let failures = try await connector.applyLabels(["Lead"], toEach: good + [missing, stale, foreign])
        #expect(Set(failures.keys) == [missing, stale, foreign])
        #expect(failures[missing] as? IMAPConnectorError == .itemNotFound(missing))
        #expect(failures[stale] as? IMAPConnectorError == .staleItem(stale))
        #expect(failures[foreign] as? IMAPConnectorError == .invalidItemID(foreign))

        _ = try await helper.select(folder)
        let flags = try await helper.fetch(uids: uids, items: [.flags])
        #expect(flags.map { $0.flags?.contains("Lead") == true } == [true, true, true, false, false])

        await connector.close()
        try await IMAPDovecotTests.remove(folder, with: helper)
        await helper.logout()
    }

    // MARK: Commands (scripted)

    @Test func threeMessagesCostOneFetchAndOneStore() async throws {
        try await withScriptedServer({ _ in BatchLabelScript.folder([3: [], 4: [#"\Seen"#], 5: []]) }) { server in
            let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.scriptedSettings(server, folder: "INBOX"))
            let items = ([3, 4, 5] as [UInt32]).map { IMAPItemID.uid(uidValidity: 7, uid: $0).item }
            let failures = try await connector.applyLabels(["Lead"], toEach: items)
            #expect(failures.isEmpty, "\(failures)")
            await connector.close()

            let lines = server.receivedLines[0]
            #expect(lines.filter { $0.contains("SELECT") }.count == 1)
            #expect(lines.filter { $0.contains("UID FETCH") }.count == 1)
            #expect(lines.contains { $0.hasSuffix("UID FETCH 3:5 (UID FLAGS)") }, "\(lines)")
            #expect(lines.filter { $0.contains("UID STORE") }.count == 1)
            #expect(lines.contains { $0.hasSuffix("UID STORE 3:5 +FLAGS.SILENT (Lead)") }, "\(lines)")
        }
    }

    @Test func messagesAreGroupedByTheKeywordsTheyLack() async throws {
        let klient = KeywordMapping.keyword(for: "Клиент")
        let flags: [UInt32: [String]] = [3: [], 4: [], 5: [#"\Seen"#], 7: ["lead"], 8: ["Lead", klient], 9: []]
        try await withScriptedServer({ _ in BatchLabelScript.folder(flags) }) { server in
            let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.scriptedSettings(server, folder: "INBOX"))
            let items = ([3, 4, 5, 7, 8, 9, 12] as [UInt32]).map { IMAPItemID.uid(uidValidity: 7, uid: $0).item }
            let gone = IMAPItemID.uid(uidValidity: 7, uid: 12).item
            let failures = try await connector.applyLabels(["Lead", "Клиент"], toEach: items)
            #expect(Set(failures.keys) == [gone])
            #expect(failures[gone] as? IMAPConnectorError == .itemNotFound(gone))
            await connector.close()

            let lines = server.receivedLines[0]
            #expect(lines.filter { $0.contains("UID FETCH") }.count == 1)
            #expect(lines.contains { $0.hasSuffix("UID FETCH 3:5,7:9,12 (UID FLAGS)") }, "\(lines)")
            // 7 has "lead" (keywords match in any letter case) and 8 has both: neither gets Lead.
            let stores = lines.filter { $0.contains("UID STORE") }
            #expect(stores.count == 2, "\(stores)")
            #expect(stores.contains { $0.hasSuffix("UID STORE 3:5,9 +FLAGS.SILENT (Lead \(klient))") }, "\(stores)")
            #expect(stores.contains { $0.hasSuffix("UID STORE 7 +FLAGS.SILENT (\(klient))") }, "\(stores)")
        }
    }

    @Test func aFolderThatKeepsNoNewKeywordsFailsTheWholeBatchBeforeAnyFetch() async throws {
        try await withScriptedServer({ _ in ConnectorScripts.limitedKeywords() }) { server in
            let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.scriptedSettings(server, folder: "INBOX"))
            let items = ([1, 2, 3] as [UInt32]).map { IMAPItemID.uid(uidValidity: 7, uid: $0).item }
            let error = await #expect(throws: IMAPConnectorError.self) {
                _ = try await connector.applyLabels(["Лид"], toEach: items)
            }
            guard case .labelsNotSupported(let folder, _)? = error else {
                Issue.record("expected labelsNotSupported, got \(String(describing: error))")
                return
            }
            #expect(folder == "INBOX")
            await connector.close()
            #expect(!server.receivedLines[0].contains { $0.contains("FETCH") || $0.contains("STORE") })
        }
    }

    @Test func gmailItemsAreLabelledOneByOne() async throws {
        try await withScriptedServer({ _ in GmailConnectorScript.conversation() }) { server in
            let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.gmailSettings(server, folder: "[Gmail]/Вся почта"))
            let known = MailboxItemID("gmail:\(GmailConnectorScript.firstMessageID + 7)")
            let unknown = MailboxItemID("gmail:42")
            let failures = try await connector.applyLabels(["Custom Label"], toEach: [known, unknown])
            #expect(Set(failures.keys) == [unknown])
            #expect(failures[unknown] as? IMAPConnectorError == .itemNotFound(unknown))
            await connector.close()

            let lines = server.receivedLines[0]
            #expect(lines.contains { $0.hasSuffix("UID SEARCH RETURN (ALL) X-GM-MSGID \(GmailConnectorScript.firstMessageID + 7)") })
            #expect(lines.contains { $0.hasSuffix("UID SEARCH RETURN (ALL) X-GM-MSGID 42") })
            #expect(lines.filter { $0.contains("UID STORE") }.count == 1)
            #expect(lines.contains { $0.hasSuffix(#"UID STORE 7 +X-GM-LABELS ("Custom Label")"#) })
        }
    }
}

/// A plain IMAP server (no Gmail extension) whose INBOX (UIDVALIDITY 7) holds messages with
/// the given flags, by UID. UID FETCH answers FLAGS for the UIDs of the set that exist; UID
/// STORE is accepted without changing anything, so the test reads what was sent.
enum BatchLabelScript {
    static func folder(_ flags: [UInt32: [String]]) -> ScriptedReplies {
        let uids = flags.keys.sorted()
        return ScriptedReplies(greeting: [.line(ConnectorScripts.greeting)]) { line in
            let client = ClientLine(line)
            if client.hasPrefix("AUTHENTICATE") { return [.line("\(client.tag) OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] Logged in")] }
            if client.hasPrefix("SELECT") {
                return [
                    #"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)"#,
                    #"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted"#,
                    "* \(uids.count) EXISTS",
                    "* OK [UIDVALIDITY 7] UIDs valid",
                    "* OK [UIDNEXT \((uids.last ?? 0) + 1)] Predicted next UID",
                    "\(client.tag) OK [READ-WRITE] Select completed",
                ].map(ScriptedAction.line)
            }
            if client.hasPrefix("UID FETCH ") {
                let words = client.command.split(separator: " ").map { String($0) }
                var asked = Set<UInt32>()
                if words.count > 2, let set = IMAPSequenceSet(parsing: Array(words[2].utf8)), let numbers = set.numbers() {
                    asked = Set(numbers)
                }
                var replies: [ScriptedAction] = []
                for (index, uid) in uids.enumerated() where asked.contains(uid) {
                    let list = (flags[uid] ?? []).joined(separator: " ")
                    replies.append(.line("* \(index + 1) FETCH (UID \(uid) FLAGS (\(list)))"))
                }
                return replies + [.line("\(client.tag) OK Fetch completed")]
            }
            if client.hasPrefix("UID STORE ") { return [.line("\(client.tag) OK Store completed")] }
            if client.hasPrefix("LOGOUT") { return [.line("* BYE Logging out"), .line("\(client.tag) OK Logout completed")] }
            return [.line("\(client.tag) BAD Unexpected command")]
        }
    }
}
