import Foundation
import Testing
@testable import MailProtocols

// Where a moved message goes, and finding it there: the new UID from COPYUID (UIDPLUS, in the
// untagged OK of MOVE or the tagged OK of COPY), else a search of the target folder for the
// message's Message-ID; the connector's id for a message in another folder, and every call
// made through it landing in that folder. Against the real Dovecot (which sends COPYUID) and
// scripted servers for what Dovecot will not do (no UIDPLUS).

@Suite(.timeLimit(.minutes(5))) struct IMAPMoveTests {
    // MARK: Ids

    @Test func aMovedMessagesIDNamesItsFolderLastAndReadsBack() {
        let moved = IMAPItemID.uidInFolder(folder: "Архив/2025: счета", uidValidity: 1_712_345_679, uid: 7)
        #expect(moved.item.rawValue == "imap:1712345679:7:Архив/2025: счета")
        #expect(IMAPItemID(moved.item) == moved)
        #expect(moved.folder == "Архив/2025: счета")
        #expect(IMAPItemID(MailboxItemID("imap:1712345678:42")) == .uid(uidValidity: 1_712_345_678, uid: 42))
        #expect(IMAPItemID.uid(uidValidity: 1, uid: 2).folder == nil)
        #expect(IMAPItemID.gmail(messageID: 5).folder == nil)
        #expect(IMAPItemID(MailboxItemID("imap:1:2:")) == nil, "a folder without a name")
        #expect(IMAPItemID(MailboxItemID("imap:1:0:Архив")) == nil, "there is no UID 0")
        #expect(IMAPItemID(MailboxItemID("gmail:1:Архив")) == nil, "Gmail ids name no folder")
    }

    // MARK: The client: COPYUID in either place

    @Test func moveReadsCOPYUIDFromTheUntaggedOKBeforeTheExpunges() async throws {
        try await withScriptedServer({ _ in
            MoveScripts.transfer(capabilities: "IMAP4rev1 AUTH=PLAIN SASL-IR MOVE UIDPLUS", replies: [
                "* OK [COPYUID 9 5:6 12:13] Moved UIDs.", "* 1 EXPUNGE", "* 1 EXPUNGE", "TAG OK Move completed",
            ])
        }) { server in
            let client = try await IMAPFaultTests.loggedIn(server)
            let outcome = try await client.move(uids: [5, 6], to: "Archive")
            #expect(outcome == IMAPMoveOutcome(originalsRemoved: true, copied: IMAPCopiedUIDs(uidValidity: 9, newUIDs: [5: 12, 6: 13])))
            let sent = server.receivedLines[0]
            #expect(sent.contains { $0.hasSuffix(#"UID MOVE 5:6 "Archive""#) })
            #expect(!sent.contains { $0.contains("UID COPY") || $0.contains("EXPUNGE") })
        }
    }

    @Test func copyReadsCOPYUIDFromTheTaggedOKThenExpungesExactlyWhatItCopied() async throws {
        try await withScriptedServer({ _ in
            MoveScripts.transfer(capabilities: "IMAP4rev1 AUTH=PLAIN SASL-IR UIDPLUS", replies: [
                "TAG OK [COPYUID 9 5 12] Copy completed",
            ])
        }) { server in
            let client = try await IMAPFaultTests.loggedIn(server)
            let outcome = try await client.move(uids: [5], to: "Archive")
            #expect(outcome == IMAPMoveOutcome(originalsRemoved: true, copied: IMAPCopiedUIDs(uidValidity: 9, newUIDs: [5: 12])))
            let sent = server.receivedLines[0]
            #expect(sent.contains { $0.hasSuffix(#"UID COPY 5 "Archive""#) })
            #expect(sent.contains { $0.hasSuffix(#"UID STORE 5 +FLAGS.SILENT (\Deleted)"#) })
            #expect(sent.contains { $0.hasSuffix("UID EXPUNGE 5") })
        }
    }

    @Test func withoutMoveOrUIDPLUSTheOriginalStaysMarkedDeletedAndNoUIDIsKnown() async throws {
        try await withScriptedServer({ _ in
            MoveScripts.transfer(capabilities: "IMAP4rev1 AUTH=PLAIN SASL-IR", replies: ["TAG OK Copy completed"])
        }) { server in
            let client = try await IMAPFaultTests.loggedIn(server)
            let outcome = try await client.move(uids: [5], to: "Archive")
            #expect(outcome == IMAPMoveOutcome(originalsRemoved: false, copied: nil))
            #expect(!server.receivedLines[0].contains { $0.contains("EXPUNGE") }, "a plain EXPUNGE would take what the user marked deleted too")
        }
    }

    // MARK: The connector without UIDPLUS: found by its Message-ID

    @Test func withoutCOPYUIDTheMovedMessageIsFoundInItsFolderByItsMessageID() async throws {
        try await withScriptedServer({ _ in MoveScripts.withoutUIDPLUS(searchFinds: [4, 11]) }) { server in
            let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.scriptedSettings(server, folder: "INBOX"))
            let moved = try await connector.move(IMAPItemID.uid(uidValidity: 7, uid: 3).item, to: "Archive")
            await connector.close()
            // The highest match: a message moved in gets a UID above all the folder had.
            #expect(moved.location == .moved(IMAPItemID.uidInFolder(folder: "Archive", uidValidity: 9, uid: 11).item))
            #expect(!moved.originalLeftBehind)
            let sent = server.receivedLines.flatMap { $0 }
            #expect(sent.contains { $0.hasSuffix(#"UID SEARCH HEADER "Message-ID" "<order-3@buyer.ru>""#) }, "\(sent)")
            #expect(sent.contains { $0.hasSuffix(#"SELECT "Archive""#) }, "searched where it went")
        }
    }

    @Test func aMovedMessageNoSearchFindsIsMovedWithItsPlaceUnknown() async throws {
        try await withScriptedServer({ _ in MoveScripts.withoutUIDPLUS(searchFinds: []) }) { server in
            let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.scriptedSettings(server, folder: "INBOX"))
            let moved = try await connector.move(IMAPItemID.uid(uidValidity: 7, uid: 3).item, to: "Archive")
            await connector.close()
            guard case .unknown(let reason) = moved.location else {
                Issue.record("expected an unknown place, got \(moved.location)")
                return
            }
            #expect(reason == "the server did not report its new UID (no UIDPLUS), and no message with its Message-ID is there")
            #expect(server.receivedLines.flatMap { $0 }.contains { $0.contains(#"UID MOVE 3 "Archive""#) }, "moved all the same")
        }
    }

    // MARK: Dovecot: COPYUID, and every call through the new id

    @Test func aMovedMessageIsLabelledReadAndMovedOnWhereItWent() async throws {
        let server = try TestServers.imap()
        let helper = try await IMAPTestEndpoints.dovecotSession(server)
        let folder = IMAPTestServer.uniqueMailboxName("MoveFrom")
        let archive = IMAPTestServer.uniqueMailboxName("MoveTo")
        let later = IMAPTestServer.uniqueMailboxName("MoveOn")
        try await helper.create(folder)
        let uids = try await helper.append(mailbox: folder, messages: (1...3).map { IMAPAppendMessage(message: IMAPDovecotTests.message(number: $0)) })
        try #require(uids.count == 3)

        let connector = IMAPMailboxConnector(settings: IMAPConnectorTests.dovecotSettings(server, folder: folder))
        let imported = try await IMAPConnectorTests.drain(connector, from: nil)
        let items = imported.messages.map(\.item)
        try #require(items.count == 3)

        // The target does not exist yet (TRYCREATE); Dovecot reports the new UID.
        let moved = try await connector.move(items[0], to: archive)
        #expect(!moved.originalLeftBehind)
        let archiveStatus = try await helper.examine(archive)
        #expect(archiveStatus.messageCount == 1)
        let archivedUID = try #require(try await helper.fetch(uidRange: 1...UInt32.max, items: [.uid]).first?.uid)
        guard case .moved(let newItem) = moved.location else {
            Issue.record("expected a new id, got \(moved.location)")
            return
        }
        #expect(IMAPItemID(newItem) == .uidInFolder(folder: archive, uidValidity: archiveStatus.uidValidity, uid: archivedUID))

        // Labels, their removal and the read flag reach it there, one by one and in a batch
        // together with a message still in the connector's folder.
        let hot = KeywordMapping.keyword(for: "Горячий лид")
        let invoice = KeywordMapping.keyword(for: "Счёт")
        try await connector.applyLabels(["Горячий лид", "Lead"], to: newItem)
        try await connector.removeLabels(["Lead"], from: newItem)
        try await connector.markAsRead(newItem)
        let failures = try await connector.applyLabels(["Счёт"], toEach: [newItem, items[1]])
        #expect(failures.isEmpty)
        _ = try await helper.examine(archive)
        let archived = try #require(try await helper.fetch(uids: [archivedUID], items: [.flags]).first)
        #expect(Set((archived.flags ?? []).filter { !$0.hasPrefix("\\") }) == [hot, invoice])
        #expect(archived.flags?.contains(#"\Seen"#) == true)
        _ = try await helper.examine(folder)
        #expect(try await helper.fetch(uids: [uids[1]], items: [.flags]).first?.flags?.contains(invoice) == true)
        #expect(try await helper.fetch(uids: [uids[0]], items: [.flags]).isEmpty, "gone from the folder it was in")

        // On from there, then back into the connector's folder: a plain id again, the one the
        // next fetch lists it under (a message moved in is new mail there).
        let movedOn = try await connector.move(newItem, to: later)
        guard case .moved(let laterItem) = movedOn.location else {
            Issue.record("expected a new id, got \(movedOn.location)")
            return
        }
        #expect(IMAPItemID(laterItem)?.folder == later)
        #expect(try await helper.status(of: archive).messageCount == 0)
        #expect(try await helper.status(of: later).messageCount == 1)
        await #expect(throws: IMAPConnectorError.itemNotFound(newItem)) {
            try await connector.applyLabels(["Lead"], to: newItem)
        }
        let back = try await connector.move(laterItem, to: folder)
        guard case .moved(let backItem) = back.location, case .uid(let validity, let backUID)? = IMAPItemID(backItem) else {
            Issue.record("expected a plain id in the connector's folder, got \(back.location)")
            return
        }
        let folderValidity = try await helper.status(of: folder).uidValidity
        #expect(validity == folderValidity)
        #expect(backUID > uids[2])
        let next = try await connector.fetchNew(since: imported.checkpoint)
        #expect(next.messages.map(\.item) == [backItem])
        // Into the folder it is in: nothing to do.
        #expect(try await connector.move(backItem, to: folder).location == .unchanged)

        await connector.close()
        for name in [folder, archive, later] {
            try await IMAPDovecotTests.remove(name, with: helper)
        }
        await helper.logout()
    }
}

/// Scripted servers for moves.
enum MoveScripts {
    /// Logs anyone in with `capabilities` and answers UID MOVE or UID COPY with `replies`
    /// (`TAG` standing for the command's tag); everything else gets OK.
    static func transfer(capabilities: String, replies: [String]) -> ScriptedReplies {
        ScriptedReplies(greeting: [.line("* OK [CAPABILITY \(capabilities)] ready")]) { line in
            let client = ClientLine(line)
            if client.hasPrefix("AUTHENTICATE") { return [.line("\(client.tag) OK [CAPABILITY \(capabilities)] Logged in")] }
            if client.hasPrefix("UID MOVE") || client.hasPrefix("UID COPY") {
                return replies.map { ScriptedAction.line($0.replacingOccurrences(of: "TAG", with: client.tag)) }
            }
            if client.hasPrefix("LOGOUT") { return [.line("* BYE Logging out"), .line("\(client.tag) OK Logout completed")] }
            return [.line("\(client.tag) OK done")]
        }
    }

    /// A server with MOVE but not UIDPLUS, so no COPYUID: INBOX (UIDVALIDITY 7) holds UID 3,
    /// Message-ID `<order-3@buyer.ru>`; Archive has UIDVALIDITY 9, and searching it finds `found`.
    static func withoutUIDPLUS(searchFinds found: [UInt32]) -> ScriptedReplies {
        let capabilities = "IMAP4rev1 AUTH=PLAIN SASL-IR MOVE"
        let header = "Message-ID: <order-3@buyer.ru>\r\n\r\n"
        let searchResult = "* SEARCH" + found.map { " \($0)" }.joined()
        return ScriptedReplies(greeting: [.line("* OK [CAPABILITY \(capabilities)] ready")]) { line in
            let client = ClientLine(line)
            if client.hasPrefix("AUTHENTICATE") { return [.line("\(client.tag) OK [CAPABILITY \(capabilities)] Logged in")] }
            if client.hasPrefix("SELECT") {
                let validity = client.command.contains("Archive") ? 9 : 7
                return [
                    #"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)"#,
                    #"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted"#,
                    "* 1 EXISTS",
                    "* OK [UIDVALIDITY \(validity)] UIDs valid",
                    "\(client.tag) OK [READ-WRITE] Select completed",
                ].map(ScriptedAction.line)
            }
            if client.hasPrefix("UID FETCH 3 ") {
                let fetched = "* 1 FETCH (UID 3 FLAGS () BODY[HEADER.FIELDS (MESSAGE-ID)] {\(header.utf8.count)}\r\n\(header))\r\n"
                return [.send(Array(fetched.utf8)), .line("\(client.tag) OK Fetch completed")]
            }
            if client.hasPrefix("UID MOVE 3 ") { return [.line("* 1 EXPUNGE"), .line("\(client.tag) OK Move completed")] }
            if client.hasPrefix("UID SEARCH ") { return [.line(searchResult), .line("\(client.tag) OK Search completed")] }
            if client.hasPrefix("LOGOUT") { return [.line("* BYE Logging out"), .line("\(client.tag) OK Logout completed")] }
            return [.line("\(client.tag) BAD Unexpected command")]
        }
    }
}
