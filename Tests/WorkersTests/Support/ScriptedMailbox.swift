import Domain
import Foundation
import MIME
import MailProtocols
@testable import Workers

/// A mailbox of `count` messages (UIDs 1…count) served `batchSize` at a time under IMAP-style
/// checkpoints, that can be told to drop the connection on a later fetch. Labels it is asked to
/// apply are recorded, single calls and batched calls apart, and chosen items can be made to
/// fail. It cannot mark read, move or remove labels (like Exchange for now).
actor ScriptedMailbox: MailboxConnector {
    let messages: [MailboxMessage]
    let batchSize: Int
    /// Fetches that succeed before the next one throws (once); nil: none throws.
    private var failAfterFetches: Int?
    private var fetches = 0
    /// The `lastUID` of the checkpoint every fetch was asked with (0 for none).
    private(set) var askedFrom: [UInt32] = []
    /// Single-item `applyLabels(_:to:)` calls, failed ones included.
    private(set) var applied: [(item: MailboxItemID, labels: [String])] = []
    /// Batched `applyLabels(_:toEach:)` calls, failed ones included.
    private(set) var batches: [(labels: [String], items: [MailboxItemID])] = []
    /// Items whose labelling fails with the error, once (per item in a batch, thrown by a single call).
    private var itemFailures: [MailboxItemID: any Error] = [:]
    /// Thrown by the next batched call, for the whole batch.
    private var batchFailure: (any Error)?

    static let uidValidity: UInt32 = 7

    init(count: Int, batchSize: Int, tag: String = UUID().uuidString) {
        self.batchSize = batchSize
        messages = (1...count).map { number in
            MailboxMessage(
                item: IMAPItemID.uid(uidValidity: Self.uidValidity, uid: UInt32(number)).item,
                from: [MailAddress(name: "Иван Петров", address: "ivan@buyer.ru")],
                to: [MailAddress(name: nil, address: "sales@romashka.ru")],
                subject: "Заявка \(number)", snippet: "Просим выставить счёт на поставку, письмо \(number).",
                receivedAt: Date().addingTimeInterval(Double(number - count) * 60),
                messageID: "s\(number)-\(tag)@buyer.ru", inReplyTo: [], references: [], labels: [])
        }
    }

    func failOnce(afterFetches fetches: Int) {
        failAfterFetches = self.fetches + fetches
    }

    func fetchNew(since checkpoint: MailboxCheckpoint?) async throws -> MailboxBatch {
        var last: UInt32 = 0
        if case .imap(_, let lastUID, _)? = checkpoint { last = lastUID }
        askedFrom.append(last)
        if let limit = failAfterFetches, fetches >= limit {
            failAfterFetches = nil
            throw IMAPError.connectionLost("scripted drop")
        }
        fetches += 1
        let remaining = messages.enumerated().filter { UInt32($0.offset + 1) > last }.map(\.element)
        let batch = Array(remaining.prefix(batchSize))
        let newLast = last + UInt32(batch.count)
        return MailboxBatch(
            messages: batch, checkpoint: .imap(uidValidity: Self.uidValidity, lastUID: newLast, highestModSeq: nil),
            hasMore: remaining.count > batch.count)
    }

    func failOnce(_ item: MailboxItemID, with error: any Error) {
        itemFailures[item] = error
    }

    func failNextBatch(with error: any Error) {
        batchFailure = error
    }

    func applyLabels(_ labels: [String], to item: MailboxItemID) async throws {
        applied.append((item: item, labels: labels))
        if let error = itemFailures.removeValue(forKey: item) { throw error }
    }

    func applyLabels(_ labels: [String], toEach items: [MailboxItemID]) async throws -> [MailboxItemID: any Error] {
        batches.append((labels: labels, items: items))
        if let error = batchFailure {
            batchFailure = nil
            throw error
        }
        var failures: [MailboxItemID: any Error] = [:]
        for item in items {
            if let error = itemFailures.removeValue(forKey: item) { failures[item] = error }
        }
        return failures
    }

    func send(_ message: OutgoingMessage) async throws {}
}

/// Hands out the same connector for every mailbox.
struct FixedConnectors: MailboxConnecting {
    let connector: any MailboxConnector

    func open(_ mailbox: Mailbox, credentials: MailboxCredentials) async throws -> MailboxSession {
        MailboxSession(connector: connector)
    }
}
