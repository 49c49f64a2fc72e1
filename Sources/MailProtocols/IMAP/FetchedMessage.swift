import Foundation

/// What one `FETCH` response (or several for the same message, merged) told about a message.
/// Every field is optional because a server answers only what was asked, and an unsolicited
/// FETCH during IDLE carries just FLAGS.
public struct FetchedMessage: Sendable, Equatable {
    /// Sequence numbers shift with every expunge; they are only good for events during IDLE.
    public var sequenceNumber: Int
    public var uid: UInt32?
    public var flags: [String]?
    public var internalDate: Date?
    public var size: Int?
    public var bodyStructure: BodyStructure?
    /// Body sections by their specifier upper-cased, without the partial origin:
    /// `"HEADER"`, `"1.1"`, `"TEXT"`, `""` for the whole message.
    public var sections: [String: [UInt8]]
    public var modSeq: UInt64?
    /// Gmail's message id: the same in every folder, so it de-duplicates All Mail and labels.
    public var gmailMessageID: UInt64?
    public var gmailThreadID: UInt64?
    /// Gmail labels, system ones as `\Important`; the selected folder's own label is absent.
    public var gmailLabels: [String]?
    /// Items this client has no field for, by upper-cased name (e.g. `ENVELOPE`).
    public var otherItems: [String: IMAPValue]

    public init(sequenceNumber: Int) {
        self.sequenceNumber = sequenceNumber
        self.sections = [:]
        self.otherItems = [:]
    }

    /// The header block, whichever way it was asked for.
    public var headers: [UInt8]? {
        sections["HEADER"]
    }

    /// The part a snippet should come from, per BODYSTRUCTURE.
    public var textPart: TextPart? {
        bodyStructure?.textPart
    }

    /// The fetched window of the text part, decoded to plain text (HTML reduced), or `nil`
    /// when BODYSTRUCTURE or the section was not fetched.
    public var textPartPreview: String? {
        guard let part = textPart, let bytes = sections[part.section] else { return nil }
        return part.decodedText(from: bytes, isCut: bytes.count < part.size)
    }

    /// Adds what a later response for the same message told; later values win.
    mutating func merge(_ other: FetchedMessage) {
        sequenceNumber = other.sequenceNumber
        if let value = other.uid { uid = value }
        if let value = other.flags { flags = value }
        if let value = other.internalDate { internalDate = value }
        if let value = other.size { size = value }
        if let value = other.bodyStructure { bodyStructure = value }
        if let value = other.modSeq { modSeq = value }
        if let value = other.gmailMessageID { gmailMessageID = value }
        if let value = other.gmailThreadID { gmailThreadID = value }
        if let value = other.gmailLabels { gmailLabels = value }
        sections.merge(other.sections) { _, new in new }
        otherItems.merge(other.otherItems) { _, new in new }
    }
}
