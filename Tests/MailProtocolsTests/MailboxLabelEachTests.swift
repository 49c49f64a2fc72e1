import Foundation
import Testing
import MIME
@testable import MailProtocols

// The default `applyLabels(_:toEach:)` of `MailboxConnector` (one call per item) and the rule
// it follows, `MailboxItemFailure`: one message's failure is reported for it, anything that
// would fail every message stops the batch.

@Suite struct MailboxLabelEachTests {
    @Test func oneItemsFailureIsReportedAndTheOthersAreStillLabelled() async throws {
        let gone = MailboxItemID("imap:7:2")
        let missingOnExchange = MailboxItemID("AAMk-2")
        let notFound = EWSError.itemError(code: "ErrorItemNotFound", message: "The specified object was not found in the store.")
        let connector = OneByOneConnector(failing: [gone: IMAPConnectorError.itemNotFound(gone), missingOnExchange: notFound])
        let items = [MailboxItemID("imap:7:1"), gone, missingOnExchange, MailboxItemID("imap:7:4"), gone]
        let failures = try await connector.applyLabels(["Lead"], toEach: items)
        #expect(Set(failures.keys) == [gone, missingOnExchange])
        #expect(failures[gone] as? IMAPConnectorError == .itemNotFound(gone))
        #expect(failures[missingOnExchange] as? EWSError == notFound)
        // Every item once, in order; the repeated one is not tried again.
        #expect(await connector.tried == [MailboxItemID("imap:7:1"), gone, missingOnExchange, MailboxItemID("imap:7:4")])
        #expect(await connector.labels == [["Lead"], ["Lead"], ["Lead"], ["Lead"]])
    }

    @Test func whatWouldFailEveryItemStopsTheBatch() async throws {
        let second = MailboxItemID("imap:7:2")
        for error in [
            IMAPError.connectionLost("the server closed the connection"),
            IMAPConnectorError.labelsNotSupported(folder: "INBOX", reason: "the folder is read-only"),
            EWSError.authenticationFailed(offered: ["NTLM"]),
        ] as [any Error] {
            let connector = OneByOneConnector(failing: [second: error])
            let items = [MailboxItemID("imap:7:1"), second, MailboxItemID("imap:7:3")]
            let thrown = await #expect(throws: (any Error).self) {
                _ = try await connector.applyLabels(["Lead"], toEach: items)
            }
            #expect(thrown.map { String(describing: $0) } == String(describing: error), "the error is thrown as it is")
            #expect(await connector.tried == [MailboxItemID("imap:7:1"), second], "nothing is tried after \(error)")
        }
    }

    @Test func theRuleNamesPerItemErrorsAndNothingElse() {
        let item = MailboxItemID("imap:7:1")
        let perItem: [any Error] = [
            IMAPConnectorError.itemNotFound(item), IMAPConnectorError.staleItem(item), IMAPConnectorError.invalidItemID(item),
            EWSError.itemError(code: "ErrorItemNotFound", message: ""), EWSError.changeKeyConflict,
        ]
        let wholeBatch: [any Error] = [
            IMAPConnectorError.labelsNotSupported(folder: "INBOX", reason: "no \\*"), IMAPConnectorError.foreignCheckpoint,
            IMAPError.timedOut, IMAPError.connectionLost("gone"), IMAPError.authenticationFailed("no"), IMAPError.throttled("slow down"),
            IMAPError.invalidArgument("bad keyword"), EWSError.timedOut, EWSError.serverBusy(backOff: .seconds(1)),
            EWSError.authenticationFailed(offered: []), EWSError.soapFault(code: "ErrorSchemaValidation", message: ""),
            MailTransportError.closedByServer, CancellationError(), MailboxSendOutcomeUnknown("unrelated"),
        ]
        for error in perItem { #expect(MailboxItemFailure.concernsOneItem(error), "\(error)") }
        for error in wholeBatch { #expect(!MailboxItemFailure.concernsOneItem(error), "\(error)") }
    }
}

/// A connector whose single-item labelling fails for chosen items and records every call; the
/// batched call is the protocol's default.
private actor OneByOneConnector: MailboxConnector {
    private let failing: [MailboxItemID: any Error]
    private(set) var tried: [MailboxItemID] = []
    private(set) var labels: [[String]] = []

    init(failing: [MailboxItemID: any Error]) {
        self.failing = failing
    }

    func fetchNew(since checkpoint: MailboxCheckpoint?) async throws -> MailboxBatch {
        MailboxBatch(messages: [], checkpoint: .imap(uidValidity: 7, lastUID: 0, highestModSeq: nil), hasMore: false)
    }

    func applyLabels(_ labels: [String], to item: MailboxItemID) async throws {
        tried.append(item)
        self.labels.append(labels)
        if let error = failing[item] { throw error }
    }

    func send(_ message: OutgoingMessage) async throws {}
}
