import Foundation
import Logging
import MIME

/// An on-premises Exchange mailbox behind the pipeline's `MailboxConnector`: new mail by
/// SyncFolderItems on the inbox (the checkpoint is its sync state), labels as Outlook categories,
/// moves by MoveItem into a folder found by name, sending by CreateItem with a copy in Sent Items.
///
/// Only mail received within the last `importWindowDays` is returned. That is what bounds the
/// first import (a sync from no state lists the whole inbox); it applies to every batch, because
/// the checkpoint carries nothing but the sync state and a later batch of the first import looks
/// like any other. New mail is recent, so afterwards this only drops an old message moved into
/// the inbox, and mail that arrived during an outage longer than the window.
public struct EWSMailboxConnector: MailboxConnector {
    public let client: EWSClient
    public let importWindowDays: Int
    /// MaxChangesReturned per `fetchNew`: the batch the caller stores before asking again.
    public let changesPerBatch: Int
    private let now: @Sendable () -> Date
    private let logger: Logger?
    /// The folders moves went to, found once per connector (one job run).
    private let folders: EWSFolderDirectory

    public init(
        client: EWSClient,
        importWindowDays: Int = 14,
        changesPerBatch: Int = 100,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger? = nil
    ) {
        self.client = client
        self.importWindowDays = max(importWindowDays, 0)
        self.changesPerBatch = min(max(changesPerBatch, 1), EWSRequest.syncChangesLimit)
        self.now = now
        self.logger = logger
        folders = EWSFolderDirectory(client: client)
    }

    /// One SyncFolderItems batch, then GetItem for the items it created. Updates, deletions (a
    /// message a rule moved out of the inbox among them) and read flags are not new mail and are
    /// passed over. A refused sync state starts over (the caller deduplicates by item id); any
    /// error is thrown before a checkpoint exists, so the caller's stays where it was.
    public func fetchNew(since checkpoint: MailboxCheckpoint?) async throws -> MailboxBatch {
        let state: String?
        switch checkpoint {
        case nil:
            state = nil
        case .ews(let syncState)?:
            state = syncState
        case .imap?:
            throw EWSError.invalidConfiguration("an IMAP checkpoint was given to the Exchange connector")
        }
        let sync = try await client.syncInbox(state: state, maxChanges: changesPerBatch)
        let cutoff = now().addingTimeInterval(-Double(importWindowDays) * 86_400)

        var wanted: [EWSItemID] = []
        var seen = Set<String>()
        for change in sync.changes.changes {
            guard case .created(let item, _, let receivedAt) = change else { continue }
            if let receivedAt, receivedAt < cutoff { continue }
            if seen.insert(item.id).inserted { wanted.append(item) }
        }

        var messages: [MailboxMessage] = []
        for outcome in try await client.getItems(ids: wanted) {
            switch outcome {
            case .success(let message):
                if let receivedAt = message.receivedAt, receivedAt < cutoff { continue }
                messages.append(message.mailboxMessage)
            case .failure(let error) where Self.isGone(error):
                // Deleted or moved since the sync listed it: nothing to import, and waiting
                // would not bring it back.
                logger?.debug("EWS item listed by the sync is gone", metadata: ["ews.error": "\(error)"])
            case .failure(let error):
                throw error
            }
        }
        return MailboxBatch(
            messages: messages, checkpoint: .ews(syncState: sync.changes.syncState), hasMore: !sync.changes.includesLastItemInRange)
    }

    /// Adds the labels as Outlook categories (read, merge, write with the ChangeKey; retried once
    /// on a conflict). Labels the message has, in any letter case, change nothing.
    ///
    /// The batched `applyLabels(_:toEach:)` is the protocol's default, this once per item:
    /// `EWSClient` has no batched category write yet. One would be a GetItem and an UpdateItem
    /// per `EWSRequest.getItemBatchLimit` items (both requests take many), with the
    /// ChangeKey-conflict retry done per item; worth it once Exchange mailboxes label in bulk.
    public func applyLabels(_ labels: [String], to item: MailboxItemID) async throws {
        guard labels.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return }
        try await client.addCategories(labels, to: EWSItemID(id: item.rawValue))
    }

    /// Takes Outlook categories off the item (a corrected verdict's old category); categories it
    /// does not carry change nothing.
    public func removeLabels(_ labels: [String], from item: MailboxItemID) async throws {
        guard labels.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return }
        try await client.removeCategories(labels, from: EWSItemID(id: item.rawValue))
    }

    /// Marks the message read in Outlook (a rule's "mark as read").
    public func markAsRead(_ item: MailboxItemID) async throws {
        try await client.markAsRead(EWSItemID(id: item.rawValue))
    }

    /// Moves the message into the folder a rule names (`Archive`, `Invoices/2025`, found as
    /// `EWSFolderDirectory` describes and remembered for this connector's run). Exchange gives
    /// the moved item a new ItemId, which MoveItem returns and which is the returned location:
    /// the old id is void, and the inbox's next sync reports the item deleted, which `fetchNew`
    /// passes over. An ItemId names the item wherever it is, so the new one is all later calls
    /// need. A move into the inbox does nothing (`.unchanged`).
    ///
    /// - Throws: `EWSFolderLookupError` when no folder, or more than one, answers to the name
    ///   (the folder is never created); ErrorItemNotFound (`EWSError.itemError`) when the
    ///   message is gone.
    @discardableResult
    public func move(_ item: MailboxItemID, to folder: String) async throws -> MailboxMove {
        let target = try await folders.folder(atPath: folder)
        // A move into the inbox it is synced from has nothing to do, and Exchange could still
        // give the message a new id that the next sync would take for new mail: it stays where
        // it is, as the IMAP connector leaves a move into its own folder.
        let inbox = try await folders.inboxID()
        guard target != inbox else { return MailboxMove(location: .unchanged) }
        let moved: EWSItemID?
        do {
            moved = try await client.move(EWSItemID(id: item.rawValue), to: .id(target))
        } catch EWSError.itemError(let code, _) where code == "ErrorFolderNotFound" {
            // Deleted since it was looked up: looked for afresh next time.
            folders.forget(folder)
            throw EWSFolderLookupError.notFound(path: folder)
        }
        // Exchange leaves the new id out only for a move into another mailbox or a public folder.
        guard let moved else { return MailboxMove(location: .unknown("Exchange did not return its new item id")) }
        return MailboxMove(location: .moved(MailboxItemID(moved.id)))
    }

    /// - Throws: `MailboxSendOutcomeUnknown` when the request left but no complete answer came
    ///   back (a broken connection, a timeout, a cut-short reply, a gateway timeout); any other
    ///   error means Exchange did not send it.
    public func send(_ message: OutgoingMessage) async throws {
        do {
            try await client.send(message)
        } catch let error as EWSError where error.leavesOutcomeUnknown {
            throw MailboxSendOutcomeUnknown("Exchange may or may not have sent the message: \(error)")
        }
    }

    /// Per-item errors that say the item cannot be read now or later.
    static func isGone(_ error: EWSError) -> Bool {
        guard case .itemError(let code, _) = error else { return false }
        return code == "ErrorItemNotFound" || code == "ErrorInvalidIdMalformed"
    }
}
