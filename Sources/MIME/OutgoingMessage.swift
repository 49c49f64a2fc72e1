import Foundation

/// What outreach sends: the people, the text, the files and the threading ids. `MessageBuilder`
/// turns it into bytes; the Message-ID is fixed when the value is made, so the outbound row can
/// be stored with it before the SMTP transaction starts.
public struct OutgoingMessage: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        /// `type/subtype`, e.g. `application/pdf`; anything unreadable is sent as
        /// `application/octet-stream`.
        public var contentType: String
        public var data: [UInt8]

        public init(filename: String, contentType: String, data: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    /// A header we do not manage ourselves, such as `List-Unsubscribe`.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// Envelope recipients only: never written into the message.
    public var bcc: [MailAddress]
    public var replyTo: [MailAddress]
    public var subject: String
    public var textBody: String
    public var htmlBody: String?
    public var attachments: [Attachment]
    /// Message ids without angle brackets, as `MessageSummary` gives them.
    public var inReplyTo: [String]
    public var references: [String]
    public var extraHeaders: [Header]
    /// Without angle brackets.
    public var messageID: String
    public var date: Date

    /// `messageID` may be given with or without angle brackets; `nil` generates one.
    public init(
        from: MailAddress,
        to: [MailAddress],
        cc: [MailAddress] = [],
        bcc: [MailAddress] = [],
        replyTo: [MailAddress] = [],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        attachments: [Attachment] = [],
        inReplyTo: [String] = [],
        references: [String] = [],
        extraHeaders: [Header] = [],
        messageID: String? = nil,
        date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.attachments = attachments
        self.inReplyTo = inReplyTo.map(Self.withoutBrackets)
        self.references = references.map(Self.withoutBrackets)
        self.extraHeaders = extraHeaders
        self.messageID = messageID.map(Self.withoutBrackets) ?? Self.newMessageID(from: from)
        self.date = date
    }

    /// This message as an answer to `parent`: In-Reply-To is the parent's id, References the
    /// parent's chain plus its id (RFC 5322 §3.6.4), the subject the parent's with one "Re: ",
    /// and the parent's sender the recipient when none is set yet.
    public func replying(to parent: MessageSummary) -> OutgoingMessage {
        var reply = self
        if let parentID = parent.messageID {
            // A parent without References but with a single In-Reply-To started from that one.
            var chain = parent.references.isEmpty && parent.inReplyTo.count == 1 ? parent.inReplyTo : parent.references
            chain.removeAll { $0 == parentID }
            reply.inReplyTo = [parentID]
            reply.references = chain + [parentID]
        }
        reply.subject = Self.replySubject(parent.subject ?? subject)
        if reply.to.isEmpty { reply.to = parent.from }
        return reply
    }

    /// Everyone the SMTP envelope goes to, Bcc included, each address once.
    public var envelopeRecipients: [String] {
        var seen = Set<String>()
        return (to + cc + bcc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    /// `random@sender-domain`: 128 random bits make a collision practically impossible, and the
    /// sender's domain is the one RFC 5322 §3.6.4 suggests.
    public static func newMessageID(from sender: MailAddress) -> String {
        randomHex(digits: 32) + "@" + messageIDDomain(of: sender)
    }

    /// Lower-case hex digits from the system's cryptographic generator, for ids and boundaries
    /// nobody can guess or repeat.
    static func randomHex(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        while text.count < digits {
            let hex = String(generator.next() as UInt64, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return String(text.prefix(digits))
    }

    /// The sender's domain when it is plain ASCII, as Message-IDs must be.
    private static func messageIDDomain(of sender: MailAddress) -> String {
        guard let at = sender.address.lastIndex(of: "@") else { return fallbackDomain }
        let domain = sender.address[sender.address.index(after: at)...].lowercased()
        let allowed = domain.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
        return allowed && !domain.isEmpty ? domain : fallbackDomain
    }

    private static let fallbackDomain = "smartysales.invalid"

    static func replySubject(_ subject: String) -> String {
        let trimmed = subject.trimmingBlanks()
        if trimmed.lowercased().hasPrefix("re:") { return subject }
        return trimmed.isEmpty ? "Re:" : "Re: " + trimmed
    }

    static func withoutBrackets(_ id: String) -> String {
        var text = Substring(id.trimmingBlanks())
        if text.hasPrefix("<") { text = text.dropFirst() }
        if text.hasSuffix(">") { text = text.dropLast() }
        return String(text)
    }
}
