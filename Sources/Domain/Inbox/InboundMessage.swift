import Foundation

/// What the product keeps of an incoming e-mail: metadata and a snippet, never the body (the
/// privacy policy promises exactly this list).
public struct InboundMessage: Sendable, Equatable, Identifiable {
    /// The longest snippet kept, in characters.
    public static let snippetLength = 500

    public let id: UUID
    public let companyID: UUID
    /// `nil` once its mailbox was removed and the user chose to keep its messages.
    public let mailboxID: UUID?
    /// How the mailbox found the message where the sync reads mail: `uidvalidity:uid` for IMAP,
    /// X-GM-MSGID for Gmail, the ItemId for Exchange. Unique per mailbox, and kept after a move:
    /// it is what the sync knows the message by.
    public let providerItemID: String
    /// The Message-ID header without angle brackets; unique per tenant when present.
    public let messageID: String?
    public let inReplyTo: [String]
    public let references: [String]
    public let fromAddress: String
    public let fromName: String?
    public let toAddresses: [String]
    public let subject: String
    public let snippet: String
    public let receivedAt: Date
    public let storedAt: Date
    /// Where a rule moved it; `nil` while it is where the sync found it.
    public let movedTo: MessageLocation?

    public init(
        id: UUID, companyID: UUID, mailboxID: UUID?, providerItemID: String, messageID: String?, inReplyTo: [String],
        references: [String], fromAddress: String, fromName: String?, toAddresses: [String], subject: String,
        snippet: String, receivedAt: Date, storedAt: Date, movedTo: MessageLocation? = nil
    ) {
        self.id = id
        self.companyID = companyID
        self.mailboxID = mailboxID
        self.providerItemID = providerItemID
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.toAddresses = toAddresses
        self.subject = subject
        self.snippet = snippet
        self.receivedAt = receivedAt
        self.storedAt = storedAt
        self.movedTo = movedTo
    }

    /// How the mailbox finds the message now: its id where a rule moved it, else the one the
    /// sync stored; `nil` when it was moved and its id there is not known.
    public var currentItemID: String? {
        guard let movedTo else { return providerItemID }
        return movedTo.itemID
    }

    /// Every message id this message answers (In-Reply-To first, then References, newest first),
    /// each once: what reply linking looks up.
    public var answeredMessageIDs: [String] {
        var seen = Set<String>()
        return (inReplyTo + references.reversed()).filter { seen.insert($0).inserted }
    }

    /// A Message-ID as stored: trimmed, without the angle brackets, `nil` when nothing is left
    /// or when it is too long to be a real one (the index on it must not overflow).
    public static func normalisedMessageID(_ raw: String?) -> String? {
        guard var text = raw?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        if text.hasPrefix("<") { text.removeFirst() }
        if text.hasSuffix(">") { text.removeLast() }
        text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.utf8.count <= 995 else { return nil }
        return text
    }
}

/// A message as the sync worker hands it to Storage. The initialiser normalises what the
/// connector gave: message ids without brackets, the snippet cut to ``InboundMessage/snippetLength``,
/// the received time to whole seconds (mail dates have no finer resolution, and whole seconds
/// keep the inbox's keyset pagination exact on every engine).
public struct NewInboundMessage: Sendable, Equatable {
    public let providerItemID: String
    public let messageID: String?
    public let inReplyTo: [String]
    public let references: [String]
    public let fromAddress: String
    public let fromName: String?
    public let toAddresses: [String]
    public let subject: String
    public let snippet: String
    /// The server's arrival time; the worker substitutes the fetch time when there is none.
    public let receivedAt: Date

    /// At most this many References are kept: the newest, which are the ones a reply to our
    /// outbound mail would name.
    public static let maximumReferences = 50

    public init(
        providerItemID: String, messageID: String?, inReplyTo: [String] = [], references: [String] = [],
        fromAddress: String, fromName: String?, toAddresses: [String], subject: String, snippet: String, receivedAt: Date
    ) {
        self.providerItemID = providerItemID
        self.messageID = InboundMessage.normalisedMessageID(messageID)
        self.inReplyTo = inReplyTo.compactMap { InboundMessage.normalisedMessageID($0) }
        self.references = Array(references.compactMap { InboundMessage.normalisedMessageID($0) }.suffix(Self.maximumReferences))
        self.fromAddress = fromAddress.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let name = fromName?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.fromName = (name?.isEmpty ?? true) ? nil : name.map { String($0.prefix(300)) }
        self.toAddresses = toAddresses.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }.filter { !$0.isEmpty }
        self.subject = String(subject.prefix(1_000))
        self.snippet = String(snippet.prefix(InboundMessage.snippetLength))
        self.receivedAt = Date(timeIntervalSince1970: receivedAt.timeIntervalSince1970.rounded(.down))
    }
}
