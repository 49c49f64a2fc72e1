import Foundation
import Logging
import MIME

/// One SyncFolderItems answer for the inbox, and whether the stored state had to be dropped.
public struct EWSInboxSync: Sendable, Equatable {
    public let changes: EWSSyncChanges
    /// Exchange refused the stored sync state (ErrorInvalidSyncStateData) and these changes
    /// start again from an empty state: items already seen come back as creates.
    public let startedOver: Bool
}

/// The EWS operations the mailbox connector needs, typed, over one mailbox's transport: every
/// reply goes through the pure readers (`EWSResponse`), so every ResponseMessage is checked;
/// a busy server is waited out (up to a bound) and asked again.
public struct EWSClient: Sendable {
    public let transport: EWSHTTPTransport
    /// How often one call waits out ErrorServerBusy and tries again before throwing it.
    public let serverBusyRetries: Int
    /// Longest BackOffMilliseconds waited out here. Exchange may ask for minutes; a longer wait
    /// is thrown as `EWSError.serverBusy` so the caller's scheduler can come back later instead
    /// of holding a worker.
    public let longestServerBusyWait: Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let logger: Logger?

    /// - Parameter sleep: how a back-off is waited; tests pass one that records and returns.
    public init(
        transport: EWSHTTPTransport,
        serverBusyRetries: Int = 2,
        longestServerBusyWait: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        logger: Logger? = nil
    ) {
        self.transport = transport
        self.serverBusyRetries = max(serverBusyRetries, 0)
        self.longestServerBusyWait = longestServerBusyWait
        self.sleep = sleep
        self.logger = logger
    }

    /// Closes the transport's own connections (see `EWSHTTPTransport.shutdown()`).
    public func shutdown() async {
        await transport.shutdown()
    }

    // MARK: Reading the inbox

    /// One batch of inbox changes since `state` (nil: from the beginning, every item a create).
    /// When Exchange refuses a stored state, syncs again without one and says so (`startedOver`).
    /// Store the returned state only after processing the changes.
    public func syncInbox(state: String?, maxChanges: Int = EWSRequest.syncChangesLimit) async throws -> EWSInboxSync {
        do {
            let changes = try await perform(.syncFolderItems(.inbox, syncState: state, maxChanges: maxChanges), EWSResponse.syncChanges(body:contentType:))
            return EWSInboxSync(changes: changes, startedOver: false)
        } catch EWSError.invalidSyncState where state?.isEmpty == false {
            logger?.notice("Exchange refused the stored sync state; syncing the inbox from the beginning", metadata: logMetadata)
            let changes = try await perform(.syncFolderItems(.inbox, syncState: nil, maxChanges: maxChanges), EWSResponse.syncChanges(body:contentType:))
            return EWSInboxSync(changes: changes, startedOver: true)
        }
    }

    /// The inbox's items from `offset` on, newest first, optionally only those received after
    /// `receivedAfter`: FindItem page by page until IncludesLastItemInRange. An item that moves
    /// across a page boundary while paging comes once.
    public func findInboxItems(offset: Int = 0, pageSize: Int = 250, receivedAfter: Date? = nil) async throws -> [EWSFindItemPage.Entry] {
        var entries: [EWSFindItemPage.Entry] = []
        var seen = Set<String>()
        var next = max(offset, 0)
        for _ in 0..<Self.maximumFindItemPages {
            let page = try await perform(
                .findItem(in: .inbox, receivedAfter: receivedAfter, offset: next, pageSize: pageSize), EWSResponse.findItemPage(body:contentType:))
            for entry in page.entries where seen.insert(entry.item.id).inserted {
                entries.append(entry)
            }
            // A server whose offset does not move forward would be paged forever.
            guard !page.isLastPage, page.nextOffset > next else { return entries }
            next = page.nextOffset
        }
        return entries
    }

    /// A guard against a server that never says "last page": 1,000 pages of up to 1,000 items.
    static let maximumFindItemPages = 1000

    /// The metadata of `ids`, one outcome per id in the same order, fetched in batches of
    /// `EWSRequest.getItemBatchLimit`. A failed item (ErrorItemNotFound when it was deleted
    /// meanwhile) is a failure in its place and does not spoil the others. ChangeKeys are left
    /// out of the request: a read wants the current version whatever the caller last saw.
    public func getItems(ids: [EWSItemID]) async throws -> [Result<EWSMessage, EWSError>] {
        try await getItems(ids: ids, maximumBodyKilobytes: 8)
    }

    func getItems(ids: [EWSItemID], maximumBodyKilobytes: Int) async throws -> [Result<EWSMessage, EWSError>] {
        var results: [Result<EWSMessage, EWSError>] = []
        results.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let end = min(start + EWSRequest.getItemBatchLimit, ids.count)
            let batch = ids[start..<end].map { EWSItemID(id: $0.id) }
            let replies = try await perform(
                .getItems(batch, maximumBodyKilobytes: maximumBodyKilobytes), EWSResponse.messages(body:contentType:))
            guard replies.count == batch.count else {
                throw EWSError.malformedResponse("GetItem answered \(replies.count) response messages for \(batch.count) ids")
            }
            results += replies
            start = end
        }
        return results
    }

    // MARK: Folders

    /// The folders called `name` in `parent`, directly in it or anywhere below
    /// (`EWSRequest.findFolders`); empty when there is none.
    public func findFolders(named name: String, in parent: EWSFolderReference, traversal: EWSFolderTraversal) async throws -> [EWSFolderEntry] {
        try await perform(.findFolders(named: name, in: parent, traversal: traversal), EWSResponse.foundFolders(body:contentType:))
    }

    /// The FolderId of a well-known folder.
    public func folderID(of folder: EWSFolder) async throws -> EWSFolderID {
        try await perform(.getFolder(folder), EWSResponse.folder(body:contentType:)).folder
    }

    // MARK: Writing

    /// Adds Outlook categories to an item, keeping the ones it has: GetItem for its categories
    /// and current ChangeKey, UpdateItem with the merged list under that ChangeKey. If the item
    /// changed in between (someone categorised it in Outlook: a ChangeKey conflict), it is read
    /// and written once more; a second conflict is thrown. Nothing is written when the item has
    /// every category already.
    ///
    /// - Returns: the item's id with its ChangeKey after the update.
    @discardableResult
    public func addCategories(_ categories: [String], to item: EWSItemID) async throws -> EWSItemID {
        try await changeCategories(of: item) { EWSRequest.categories($0, adding: categories) }
    }

    /// Takes Outlook categories off an item, in the same read-modify-write as `addCategories`:
    /// categories it does not carry (in any letter case) change nothing and write nothing.
    @discardableResult
    public func removeCategories(_ categories: [String], from item: EWSItemID) async throws -> EWSItemID {
        try await changeCategories(of: item) { EWSRequest.categories($0, removing: categories) }
    }

    /// Marks an item read: GetItem for its current ChangeKey, then UpdateItem of `message:IsRead`.
    public func markAsRead(_ item: EWSItemID) async throws {
        guard let read = try await getItems(ids: [item], maximumBodyKilobytes: 1).first else {
            throw EWSError.malformedResponse("GetItem answered no response message")
        }
        let current = try read.get()
        let outcomes = try await perform(.markAsRead([current.item]), EWSResponse.updatedItems(body:contentType:))
        guard let outcome = outcomes.first else {
            throw EWSError.malformedResponse("UpdateItem answered no response message")
        }
        _ = try outcome.get()
    }

    /// Moves an item into `folder` with MoveItem.
    ///
    /// - Returns: the item's id in its new folder (nil when Exchange gives none). The old id is
    ///   void afterwards, and the next sync of the folder it left reports it deleted.
    /// - Throws: the item's error: ErrorItemNotFound when it is gone, ErrorFolderNotFound when
    ///   the folder is.
    @discardableResult
    public func move(_ item: EWSItemID, to folder: EWSFolderReference) async throws -> EWSItemID? {
        let outcomes = try await perform(.moveItems([item], to: folder), EWSResponse.movedItems(body:contentType:))
        guard let outcome = outcomes.first else {
            throw EWSError.malformedResponse("MoveItem answered no response message")
        }
        return try outcome.get()
    }

    /// Reads the item, asks `change` for its new category list (nil: nothing to write) and writes
    /// it with the ChangeKey it was read with, reading again once if the item changed meanwhile.
    private func changeCategories(of item: EWSItemID, _ change: ([String]) -> [String]?) async throws -> EWSItemID {
        var conflicts = 0
        while true {
            guard let read = try await getItems(ids: [item], maximumBodyKilobytes: 1).first else {
                throw EWSError.malformedResponse("GetItem answered no response message")
            }
            let current = try read.get()
            guard let changed = change(current.categories) else {
                return current.item
            }
            let update = EWSRequest.CategoryChange(item: current.item, kind: current.kind ?? .message, categories: changed)
            let outcomes = try await perform(.updateCategories([update]), EWSResponse.updatedItems(body:contentType:))
            guard let outcome = outcomes.first else {
                throw EWSError.malformedResponse("UpdateItem answered no response message")
            }
            switch outcome {
            case .success(let updated):
                return updated
            case .failure(.changeKeyConflict) where conflicts == 0:
                conflicts += 1
                logger?.debug("EWS categories: the item changed since it was read; reading it again", metadata: logMetadata)
            case .failure(let error):
                throw error
            }
        }
    }

    /// Sends `message` with CreateItem `SendAndSaveCopy`, the copy kept in Sent Items: the MIME
    /// that MessageBuilder makes (text, HTML, attachments, Message-ID, threading headers), Bcc
    /// and the threading ids as properties (see `EWSRequest.sendMessage`).
    ///
    /// - Throws: `EWSError`; after `timedOut`, `connectionLost` or a cut-short answer the message
    ///   may have been sent (`EWSMailboxConnector` reports those as `MailboxSendOutcomeUnknown`).
    public func send(_ message: OutgoingMessage) async throws {
        _ = try await perform(.sendMessage(message), EWSResponse.createdItems(body:contentType:))
    }

    // MARK: Calls

    /// Posts `request` and reads the answer with `read`. ErrorServerBusy (a fault or a response
    /// message) means nothing was done, so the same request is sent again after the server's
    /// back-off, up to `serverBusyRetries` times and only for back-offs up to `longestServerBusyWait`.
    func perform<Value>(_ request: EWSRequest, _ read: ([UInt8], String?) throws -> Value) async throws -> Value {
        var waits = 0
        while true {
            let response = try await transport.post(request)
            do {
                return try read(response.body, response.contentType)
            } catch EWSError.serverBusy(let backOff) where waits < serverBusyRetries && backOff <= longestServerBusyWait {
                waits += 1
                logger?.info(
                    "Exchange is busy; waiting before asking again",
                    metadata: logMetadata.merging(["ews.operation": "\(request.operation)", "ews.backoff": "\(backOff)"]) { $1 })
                try await self.sleep(backOff)
            }
        }
    }

    private var logMetadata: Logger.Metadata {
        ["ews.host": "\(transport.endpoint.host)"]
    }
}
