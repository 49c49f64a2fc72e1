import Domain
import MailProtocols

/// Opens a mailbox's connector. The sync, label and relabel jobs ask one of these for every run;
/// `MailboxConnectorFactory` is the real one, tests pass their own.
public protocol MailboxConnecting: Sendable {
    func open(_ mailbox: Mailbox, credentials: MailboxCredentials) async throws -> MailboxSession
}

/// Taking labels off a message: what a corrected category needs. IMAP (keywords, Gmail labels)
/// and Exchange (Outlook categories) both can.
public protocol MailboxLabelRemoving: MailboxConnector {
    func removeLabels(_ labels: [String], from item: MailboxItemID) async throws
}

/// A rule's "mark as read". IMAP and Exchange both can.
public protocol MailboxReadMarking: MailboxConnector {
    func markAsRead(_ item: MailboxItemID) async throws
}

/// Every rule action beyond labelling. IMAP and Exchange both can: IMAP moves by MOVE (or COPY
/// and delete) and creates a missing folder; Exchange finds the folder by name and moves by
/// MoveItem, and a missing folder is an error.
public protocol MailboxMessageEditing: MailboxLabelRemoving, MailboxReadMarking {
    /// Moves the message and says how to find it afterwards (`MailboxMove`): most servers give
    /// a moved message a new id.
    @discardableResult
    func move(_ item: MailboxItemID, to folder: String) async throws -> MailboxMove
}

extension IMAPMailboxConnector: MailboxMessageEditing {}
extension EWSMailboxConnector: MailboxMessageEditing {}

/// The mailbox cannot do this: its kind or its connector does not offer it.
public struct MailboxActionUnsupported: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// An open mailbox for one job: its connector and what must be closed afterwards (the IMAP
/// session, the EWS transport's own connections). Call `close()` on every path.
public struct MailboxSession: Sendable {
    public let connector: any MailboxConnector
    private let closing: @Sendable () async -> Void

    public init(connector: any MailboxConnector, close: @escaping @Sendable () async -> Void = {}) {
        self.connector = connector
        self.closing = close
    }

    public func close() async {
        await closing()
    }

    /// Whether `removeLabels` can work here.
    public var canRemoveLabels: Bool {
        connector is any MailboxLabelRemoving
    }

    public func removeLabels(_ labels: [String], from item: MailboxItemID) async throws {
        guard let remover = connector as? any MailboxLabelRemoving else {
            throw MailboxActionUnsupported("removing a label is not supported by this mailbox")
        }
        try await remover.removeLabels(labels, from: item)
    }

    public func markAsRead(_ item: MailboxItemID) async throws {
        guard let marker = connector as? any MailboxReadMarking else {
            throw MailboxActionUnsupported("marking as read is not supported by this mailbox")
        }
        try await marker.markAsRead(item)
    }

    @discardableResult
    public func move(_ item: MailboxItemID, to folder: String) async throws -> MailboxMove {
        guard let editor = connector as? any MailboxMessageEditing else {
            throw MailboxActionUnsupported("moving to a folder is not supported by this mailbox")
        }
        return try await editor.move(item, to: folder)
    }
}
