import Foundation
import MIME
import MailProtocols
@testable import Workers

/// A mailbox that can do what IMAP can (label, mark read, move) and keeps one log of every call
/// in the order it came, for the label job's ordering promises. Chosen items can be made to fail
/// their labelling, and moves into chosen folders to fail. A move gives the message a new id as
/// IMAP does, the folder added to its old one (`imap:7:1` moved to Archive is `imap:7:1:Archive`),
/// or, into chosen folders, says the new id is not known, as a server without UIDPLUS may.
actor ScriptedEditingMailbox: MailboxMessageEditing {
    enum Call: Equatable, Sendable {
        case labels([String], MailboxItemID)
        case batch([String], [MailboxItemID])
        case markRead(MailboxItemID)
        case move(MailboxItemID, String)
        case removeLabels([String], MailboxItemID)

        /// The item a single-item call is about; nil for a batch.
        var item: MailboxItemID? {
            switch self {
            case .labels(_, let item), .markRead(let item), .move(let item, _), .removeLabels(_, let item): item
            case .batch: nil
            }
        }
    }

    private(set) var calls: [Call] = []
    private var labelFailures: [MailboxItemID: any Error] = [:]
    private var moveFailures: [String: any Error] = [:]
    private var untrackedFolders: Set<String> = []

    /// Labelling `item` fails with `error`, in a single call or a batch, every time.
    func failLabels(of item: MailboxItemID, with error: any Error) {
        labelFailures[item] = error
    }

    /// Moving any item into `folder` fails with `error`, every time.
    func failMoves(to folder: String, with error: any Error) {
        moveFailures[folder] = error
    }

    /// Moving any item into `folder` works, but where it went is not known.
    func loseTrackOfMoves(to folder: String) {
        untrackedFolders.insert(folder)
    }

    func fetchNew(since checkpoint: MailboxCheckpoint?) async throws -> MailboxBatch {
        MailboxBatch(messages: [], checkpoint: .imap(uidValidity: 7, lastUID: 0, highestModSeq: nil), hasMore: false)
    }

    func applyLabels(_ labels: [String], to item: MailboxItemID) async throws {
        calls.append(.labels(labels, item))
        if let error = labelFailures[item] { throw error }
    }

    func applyLabels(_ labels: [String], toEach items: [MailboxItemID]) async throws -> [MailboxItemID: any Error] {
        calls.append(.batch(labels, items))
        return labelFailures.filter { items.contains($0.key) }
    }

    func send(_ message: OutgoingMessage) async throws {}

    func removeLabels(_ labels: [String], from item: MailboxItemID) async throws {
        calls.append(.removeLabels(labels, item))
    }

    func markAsRead(_ item: MailboxItemID) async throws {
        calls.append(.markRead(item))
    }

    @discardableResult
    func move(_ item: MailboxItemID, to folder: String) async throws -> MailboxMove {
        calls.append(.move(item, folder))
        if let error = moveFailures[folder] { throw error }
        if untrackedFolders.contains(folder) { return MailboxMove(location: .unknown("the scripted server kept it to itself")) }
        return MailboxMove(location: .moved(MailboxItemID(item.rawValue + ":" + folder)))
    }
}
