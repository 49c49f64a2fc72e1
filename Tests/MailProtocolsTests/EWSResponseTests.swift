import EWSFake
import Foundation
import MIME
import Testing
@testable import MailProtocols

/// Reading Exchange's replies: successes, per-item errors among successes, whole-request faults,
/// throttling with its back-off, a refused sync state, conflicts, and replies that are not what
/// they should be. Nothing here may trap, whatever the bytes.
@Suite struct EWSResponseTests {
    typealias Fixtures = EWSResponseFixtures
    static let xml = "text/xml; charset=utf-8"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func findItemPagesAreReadUntilTheLast() throws {
        let first = try EWSResponse.findItemPage(body: Self.bytes(Fixtures.findItemFirstPage), contentType: Self.xml)
        #expect(first.entries.map(\.item) == [EWSItemID(id: "AAMkADk1=", changeKey: "CQAAABYA1"), EWSItemID(id: "AAMkADk2=", changeKey: "CQAAABYA2")])
        #expect(first.entries.map(\.kind) == [.message, .meetingRequest])
        #expect(first.entries.first?.subject == "Счёт №42 & акт")
        #expect(first.entries.first?.receivedAt == Date(timeIntervalSince1970: 1_772_360_100))
        #expect(first.nextOffset == 2)
        #expect(first.totalItemsInView == 3)
        #expect(!first.isLastPage)
        let last = try EWSResponse.findItemPage(body: Self.bytes(Fixtures.findItemLastPage), contentType: Self.xml)
        #expect(last.isLastPage)
        #expect(last.nextOffset == 3)
    }

    @Test func getItemKeepsGoodItemsBesideAMissingOne() throws {
        let results = try EWSResponse.messages(body: Self.bytes(Fixtures.getItemWithOneMissing), contentType: Self.xml)
        try #require(results.count == 3)
        let message = try results[0].get()
        #expect(message.item == EWSItemID(id: "AAMkADk1=", changeKey: "CQAAABYA1"))
        #expect(message.kind == .message)
        #expect(message.subject == "Счёт №42 & акт")
        #expect(message.from == EWSMailbox(name: "Борис", emailAddress: "boris@example.ru", routingType: "SMTP"))
        #expect(message.toRecipients.map(\.mailAddress) == [MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")])
        #expect(message.receivedAt == Date(timeIntervalSince1970: 1_772_360_100))
        #expect(message.preview == "Добрый день! Высылаю счёт")
        #expect(message.internetMessageID == "reply-7@example.ru")
        #expect(message.inReplyTo == ["sent-1@romashka.ru"])
        #expect(message.references == ["root@romashka.ru", "sent-1@romashka.ru"])
        #expect(message.categories == ["Lead", "Клиент"])
        #expect(message.snippet == "Добрый день! Высылаю счёт и акт. -- Борис")

        #expect(throws: EWSError.itemError(
            code: "ErrorItemNotFound",
            message: "The specified object was not found in the store., The process failed to get the correct properties.")
        ) { try results[1].get() }

        let internalSender = try results[2].get()
        #expect(internalSender.from?.routingType == "EX")
        #expect(internalSender.from?.mailAddress == nil, "an X.500 address is not an e-mail address")
        #expect(internalSender.mailboxMessage.from.isEmpty)
        #expect(internalSender.snippet.isEmpty)
    }

    @Test func mailboxMessageCarriesWhatThePipelineStores() throws {
        let message = try EWSResponse.messages(body: Self.bytes(Fixtures.getItemWithOneMissing), contentType: Self.xml)[0].get()
        let stored = message.mailboxMessage
        #expect(stored.item == MailboxItemID("AAMkADk1="))
        #expect(stored.from == [MailAddress(name: "Борис", address: "boris@example.ru")])
        #expect(stored.messageID == "reply-7@example.ru")
        #expect(stored.labels == ["Lead", "Клиент"])
        #expect(stored.snippet == message.snippet)
    }

    @Test func syncChangesAreReadInOrder() throws {
        let sync = try EWSResponse.syncChanges(body: Self.bytes(Fixtures.syncFirstBatch), contentType: Self.xml)
        #expect(sync.syncState == "H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0ghIBQiAYBMk2JBAEOzBiKzbP")
        #expect(!sync.includesLastItemInRange)
        #expect(sync.changes == [
            .created(EWSItemID(id: "AAMkNew1=", changeKey: "CQAAAN1"), kind: .message, receivedAt: Date(timeIntervalSince1970: 1_772_434_800)),
            .updated(EWSItemID(id: "AAMkUpd1=", changeKey: "CQAAAU1"), kind: .meetingRequest, receivedAt: nil),
            .deleted(EWSItemID(id: "AAMkDel1=", changeKey: "CQAAAD1")),
            .readFlagChanged(EWSItemID(id: "AAMkRead1=", changeKey: "CQAAAR1"), isRead: true),
        ], "the create without an ItemId is skipped")
    }

    @Test func refusedSyncStateMeansStartOver() {
        #expect(throws: EWSError.invalidSyncState) {
            try EWSResponse.syncChanges(body: Self.bytes(Fixtures.invalidSyncState), contentType: Self.xml)
        }
    }

    @Test func serverBusyFaultCarriesItsBackOff() {
        #expect(throws: EWSError.serverBusy(backOff: .milliseconds(297_749))) {
            try EWSResponse.syncChanges(body: Self.bytes(Fixtures.serverBusyFault), contentType: Self.xml)
        }
    }

    /// Busy in one response message fails the whole batch: nothing should be sent until the back-off passed.
    @Test func serverBusyInAResponseMessageFailsTheBatch() {
        #expect(throws: EWSError.serverBusy(backOff: .milliseconds(1500))) {
            try EWSResponse.messages(body: Self.bytes(Fixtures.busyResponseMessage), contentType: Self.xml)
        }
    }

    @Test func schemaFaultSaysWhere() {
        #expect(throws: EWSError.soapFault(
            code: "ErrorSchemaValidation",
            message: "The request failed schema validation: The element 'SyncFolderItems' has invalid child element 'MaxChangesReturned'. (line 2, position 630)")
        ) {
            try EWSResponse.syncChanges(body: Self.bytes(Fixtures.schemaValidationFault), contentType: Self.xml)
        }
    }

    @Test func categoryUpdateReportsNewChangeKeysAndConflicts() throws {
        let results = try EWSResponse.updatedItems(body: Self.bytes(Fixtures.updateWithConflict), contentType: Self.xml)
        try #require(results.count == 3)
        #expect(try results[0].get() == EWSItemID(id: "A1", changeKey: "CK1-new"))
        #expect(throws: EWSError.changeKeyConflict) { try results[1].get() }
        #expect(throws: EWSError.changeKeyConflict) { try results[2].get() }
    }

    @Test func foundFoldersSayWhatTheyHold() throws {
        let found = try EWSResponse.foundFolders(body: Self.bytes(Fixtures.foldersFound), contentType: Self.xml)
        #expect(found.map(\.folder) == [EWSFolderID(id: "AAMkFolderA="), EWSFolderID(id: "AAMkFolderB=")])
        #expect(found.map(\.kind) == [.folder, .calendar])
        // No folder of that name is an empty answer; a missing parent is the error.
        #expect(try EWSResponse.foundFolders(body: Self.bytes(Fixtures.noFolderFound), contentType: Self.xml).isEmpty)
        #expect(throws: EWSError.itemError(code: "ErrorFolderNotFound", message: "The specified folder could not be found in the store.")) {
            try EWSResponse.foundFolders(body: Self.bytes(Fixtures.parentFolderNotFound), contentType: Self.xml)
        }
        #expect(try EWSResponse.folder(body: Self.bytes(Fixtures.inboxFolder), contentType: Self.xml).folder == EWSFolderID(id: "AAMkFolderInbox="))
    }

    @Test func movedItemsReportTheirNewIdsAndEachFailure() throws {
        let results = try EWSResponse.movedItems(body: Self.bytes(Fixtures.movedWithOneMissing), contentType: Self.xml)
        try #require(results.count == 3)
        #expect(try results[0].get() == EWSItemID(id: "AAMkMoved1=", changeKey: "CQAAABYA9"))
        #expect(throws: EWSError.itemError(code: "ErrorItemNotFound", message: "The specified object was not found in the store.")) {
            try results[1].get()
        }
        #expect(try results[2].get() == nil, "moved, but into a mailbox whose id Exchange does not give")
    }

    @Test func sendingRepliesAreUnderstood() throws {
        #expect(try EWSResponse.createdItems(body: Self.bytes(Fixtures.sentWithCopy), contentType: Self.xml).isEmpty)
        #expect(try EWSResponse.createdItems(body: Self.bytes(Fixtures.draftCreated), contentType: Self.xml) == [EWSItemID(id: "Draft1=", changeKey: "CQAAAD-1")])
        #expect(try EWSResponse.attachmentParent(body: Self.bytes(Fixtures.attachmentsCreated), contentType: Self.xml) == EWSItemID(id: "Draft1=", changeKey: "CQAAAD-3"))
        try EWSResponse.sent(body: Self.bytes(Fixtures.sendItemDone), contentType: Self.xml)
    }

    @Test func aReplyForAnotherOperationIsMalformed() {
        #expect(throws: EWSError.self) {
            try EWSResponse.syncChanges(body: Self.bytes(Fixtures.findItemFirstPage), contentType: Self.xml)
        }
    }

    @Test func signInPageIsNotSOAP() {
        for contentType in ["text/html; charset=utf-8", Self.xml, nil] {
            do {
                _ = try EWSResponse.messages(body: Self.bytes(Fixtures.outlookSignInPage), contentType: contentType)
                Issue.record("an HTML page was accepted")
            } catch let error as EWSError {
                guard case .notSOAP(let detail) = error else { Issue.record("\(error)"); continue }
                #expect(detail.contains("<!DOCTYPE html>"), "the message shows what came instead")
            } catch {
                Issue.record("untyped error \(error)")
            }
        }
    }

    @Test func truncatedReplyIsMalformed() {
        let body = Self.bytes(Fixtures.getItemWithOneMissing)
        let truncated = Array(body.prefix(body.count * 2 / 3))
        do {
            _ = try EWSResponse.messages(body: truncated, contentType: Self.xml)
            Issue.record("a truncated reply was accepted")
        } catch let error as EWSError {
            guard case .malformedResponse = error else { Issue.record("\(error)"); return }
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test func emptyBodyAndDoctypeAreRefused() {
        #expect(throws: EWSError.malformedResponse("empty body")) { try EWSResponse.messages(body: [], contentType: Self.xml) }
        let entityBomb = """
            <?xml version="1.0"?>
            <!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&b;</s:Body></s:Envelope>
            """
        #expect(throws: EWSError.malformedResponse("a document type declaration, which SOAP does not allow")) {
            try EWSResponse.messages(body: Self.bytes(entityBomb), contentType: Self.xml)
        }
    }

    /// Every prefix of every fixture, and random damage to them, ends in a value or an EWSError.
    @Test func noReplyCanTrapTheReader() {
        let fixtures = [
            Fixtures.findItemFirstPage, Fixtures.getItemWithOneMissing, Fixtures.syncFirstBatch, Fixtures.serverBusyFault,
            Fixtures.updateWithConflict, Fixtures.attachmentsCreated,
        ].map(Self.bytes)
        var generator = SystemRandomNumberGenerator()
        for fixture in fixtures {
            var samples = stride(from: 0, to: fixture.count, by: 23).map { Array(fixture.prefix($0)) }
            for _ in 0..<100 {
                var damaged = fixture
                for _ in 0..<3 {
                    let position = Int.random(in: 0..<damaged.count, using: &generator)
                    damaged[position] = UInt8.random(in: 0...255, using: &generator)
                }
                samples.append(damaged)
            }
            for sample in samples {
                Self.expectOnlyEWSErrors { _ = try EWSResponse.findItemPage(body: sample, contentType: Self.xml) }
                Self.expectOnlyEWSErrors { _ = try EWSResponse.messages(body: sample, contentType: Self.xml) }
                Self.expectOnlyEWSErrors { _ = try EWSResponse.syncChanges(body: sample, contentType: Self.xml) }
                Self.expectOnlyEWSErrors { _ = try EWSResponse.updatedItems(body: sample, contentType: Self.xml) }
                Self.expectOnlyEWSErrors { _ = try EWSResponse.attachmentParent(body: sample, contentType: Self.xml) }
            }
        }
    }

    static func expectOnlyEWSErrors(_ body: () throws -> Void) {
        do {
            try body()
        } catch is EWSError {
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}
