import Foundation
import MIME

/// What the inbox pipeline asks of any mailbox, so IMAP/SMTP, Exchange (EWS) and later
/// Microsoft Graph look alike to it: fetch what is new since a checkpoint, label a message,
/// send. Each connector keeps its protocol's details (UIDs, sync states, delta links) inside
/// the opaque checkpoint and item ids.
public protocol MailboxConnector: Sendable {
    /// Messages that arrived since `checkpoint` (nil: the first import), at most one batch.
    ///
    /// The caller stores the returned checkpoint only after it has stored the messages, and
    /// calls again while `hasMore` is true. A thrown error leaves the caller's checkpoint where
    /// it was, so nothing is skipped; a checkpoint the server no longer accepts (a new
    /// UIDVALIDITY, an invalid EWS sync state) is handled inside by starting over, which may
    /// return messages the caller has already seen: callers deduplicate by item id.
    func fetchNew(since checkpoint: MailboxCheckpoint?) async throws -> MailboxBatch

    /// Adds `labels` to the message (a Gmail label, an IMAP keyword, an Outlook category),
    /// keeping the labels it has. Applying a label it already has changes nothing.
    func applyLabels(_ labels: [String], to item: MailboxItemID) async throws

    /// Adds the same `labels` to every message of `items`, as `applyLabels(_:to:)` does for one:
    /// labels a message has already are not stored again. For the label worker, which labels
    /// hundreds of messages at a time and should not pay a server round trip per message.
    ///
    /// - Returns: the items that could not be labelled, each with its own error (the message is
    ///   gone, its id is stale or not this connector's); every other item has the labels. An item
    ///   given twice is labelled once and appears once.
    /// - Throws: only what stops the whole batch (see `MailboxItemFailure`): the connection
    ///   broke, the login was refused, the folder keeps no new keywords. Some items may have been
    ///   labelled by then; calling again with all of them is safe, since nothing is applied twice.
    ///
    /// The default implementation (`applyLabelsOneByOne`) calls `applyLabels(_:to:)` per item.
    func applyLabels(_ labels: [String], toEach items: [MailboxItemID]) async throws -> [MailboxItemID: any Error]

    /// Sends `message` and keeps a copy where the mailbox keeps sent mail.
    ///
    /// Throws `MailboxSendOutcomeUnknown` when the message may or may not have left (the
    /// connection broke after the data was handed over): the caller marks the send so and
    /// never retries it blindly. Any other error means it was not sent.
    func send(_ message: OutgoingMessage) async throws
}

/// Where a mailbox's incoming mail was read up to, in the connector's own terms. Codable so the
/// caller can store it as it is; only the connector that made it reads its inside.
public enum MailboxCheckpoint: Sendable, Hashable, Codable {
    /// IMAP: the folder's UIDVALIDITY, the highest UID seen and, with CONDSTORE, HIGHESTMODSEQ.
    case imap(uidValidity: UInt32, lastUID: UInt32, highestModSeq: UInt64?)
    /// EWS: the SyncFolderItems sync state of the inbox.
    case ews(syncState: String)
}

/// A message in a mailbox, as the connector that listed it can find it again.
public struct MailboxItemID: Sendable, Hashable, Codable {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }
}

/// One `fetchNew` answer.
public struct MailboxBatch: Sendable, Equatable {
    public var messages: [MailboxMessage]
    /// Store it once `messages` are stored.
    public var checkpoint: MailboxCheckpoint
    /// More is waiting: call `fetchNew` again with `checkpoint`.
    public var hasMore: Bool

    public init(messages: [MailboxMessage], checkpoint: MailboxCheckpoint, hasMore: Bool) {
        self.messages = messages
        self.checkpoint = checkpoint
        self.hasMore = hasMore
    }
}

/// The metadata the product keeps of an inbound message (never the body), whatever the protocol.
public struct MailboxMessage: Sendable, Equatable {
    public var item: MailboxItemID
    public var from: [MailAddress]
    public var to: [MailAddress]
    public var subject: String?
    /// The first `Snippet.length` characters of the best text part.
    public var snippet: String
    public var receivedAt: Date?
    /// Message ids without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    /// The labels the message has in the mailbox now.
    public var labels: [String]

    public init(
        item: MailboxItemID, from: [MailAddress], to: [MailAddress], subject: String?, snippet: String, receivedAt: Date?,
        messageID: String?, inReplyTo: [String], references: [String], labels: [String]
    ) {
        self.item = item
        self.from = from
        self.to = to
        self.subject = subject
        self.snippet = snippet
        self.receivedAt = receivedAt
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.labels = labels
    }
}

/// The send may have happened: the message was handed over and the confirmation never came.
public struct MailboxSendOutcomeUnknown: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
