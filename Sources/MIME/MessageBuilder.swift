import Foundation

/// Turns an `OutgoingMessage` into the bytes handed to SMTP or EWS: CRLF line ends everywhere,
/// no line longer than 998 octets, headers folded at 78 columns where the words allow it.
///
/// The text travels as 7bit when it is ASCII, as 8bit when it is not and the server announced
/// 8BITMIME, and otherwise as quoted-printable or base64, whichever is shorter: mostly-ASCII
/// text stays readable as quoted-printable, Russian text takes less than half the room in
/// base64. An HTML version makes the text multipart/alternative; attachments (always base64)
/// make the whole multipart/mixed. Bcc is never written.
public struct MessageBuilder: Sendable {
    /// The server announced 8BITMIME (RFC 6152), so UTF-8 text may go unencoded.
    public var allows8bit: Bool
    /// The zone the Date field is written in.
    public var timeZone: TimeZone

    public init(allows8bit: Bool = false, timeZone: TimeZone = .gmt) {
        self.allows8bit = allows8bit
        self.timeZone = timeZone
    }

    public func build(_ message: OutgoingMessage) -> [UInt8] {
        var output = messageFields(message).flatMap { $0 }
        output += Self.field("MIME-Version", "1.0")
        output += bodyEntity(message).bytes
        return output
    }

    // MARK: Message header

    private func messageFields(_ message: OutgoingMessage) -> [[UInt8]] {
        var fields: [[UInt8]] = [
            Self.field("Date", Self.dateText(message.date, in: timeZone)),
            Self.addressField("From", [message.from]),
        ]
        if !message.replyTo.isEmpty { fields.append(Self.addressField("Reply-To", message.replyTo)) }
        if !message.to.isEmpty {
            fields.append(Self.addressField("To", message.to))
        } else if message.cc.isEmpty {
            // Mail with only Bcc recipients still says it has recipients, the way RFC 5322 §A.1.3 shows.
            fields.append(Self.field("To", "undisclosed-recipients:;"))
        }
        if !message.cc.isEmpty { fields.append(Self.addressField("Cc", message.cc)) }
        var subject = HeaderFieldWriter(name: "Subject")
        EncodedWordEncoder.appendUnstructured(message.subject, to: &subject)
        fields.append(subject.bytes)
        let messageID = Self.writableID(message.messageID) ?? OutgoingMessage.newMessageID(from: message.from)
        fields.append(Self.idField("Message-ID", [messageID]))
        let inReplyTo = message.inReplyTo.compactMap(Self.writableID)
        if !inReplyTo.isEmpty { fields.append(Self.idField("In-Reply-To", inReplyTo)) }
        let references = message.references.compactMap(Self.writableID)
        if !references.isEmpty { fields.append(Self.idField("References", references)) }
        for header in message.extraHeaders where Self.isWritableExtraName(header.name) {
            var field = HeaderFieldWriter(name: header.name)
            // Structured values such as List-Unsubscribe's long URLs must stay as they are.
            let value = header.value.trimmingCharacters(in: .whitespacesAndNewlines)
            EncodedWordEncoder.appendUnstructured(value, to: &field, longestPlainWord: Self.longestStructuredWord)
            fields.append(field.bytes)
        }
        return fields
    }

    /// A plain word this long still leaves room for the field name on a 998-octet line.
    private static let longestStructuredWord = 900

    private static func field(_ name: String, _ value: String) -> [UInt8] {
        var field = HeaderFieldWriter(name: name)
        field.append(value)
        return field.bytes
    }

    private static func addressField(_ name: String, _ mailboxes: [MailAddress]) -> [UInt8] {
        var field = HeaderFieldWriter(name: name)
        for (index, mailbox) in mailboxes.enumerated() {
            let comma = index < mailboxes.count - 1 ? "," : ""
            let address = writableAddress(mailbox.address)
            if let displayName = mailbox.name, !displayName.allSatisfy(\.isWhitespace) {
                EncodedWordEncoder.appendPhrase(displayName, to: &field)
                field.append("<" + address + ">" + comma)
            } else {
                field.append(address + comma)
            }
        }
        return field.bytes
    }

    /// Blanks, control characters and angle brackets can only break the field (or inject a new
    /// one), never belong to an address. IDN domains stay as given.
    private static func writableAddress(_ address: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in address.unicodeScalars {
            let value = scalar.value
            let isControlOrBlank = value <= 0x20 || (0x7F...0x9F).contains(value)
            if !isControlOrBlank, scalar != "<", scalar != ">" { scalars.append(scalar) }
        }
        return String(scalars)
    }

    private static func idField(_ name: String, _ ids: [String]) -> [UInt8] {
        var field = HeaderFieldWriter(name: name)
        for id in ids { field.append("<" + id + ">") }
        return field.bytes
    }

    /// Message ids are printable ASCII without blanks or brackets; an id with anything else
    /// (or too long for a line) cannot be written faithfully, and a wrong id in References
    /// misthreads worse than a missing one.
    private static func writableID(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= longestStructuredWord,
              id.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { return nil }
        return id
    }

    /// Fields the builder writes itself cannot be overridden or duplicated by extra headers.
    private static let managedFields: Set<String> = [
        "date", "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
    ]

    private static func isWritableExtraName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 76
            && name.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ":") }
            && !managedFields.contains(name.lowercased())
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 5322 §3.3 with English names whatever the locale: `Sun, 29 Nov 2026 09:01:02 +0300`.
    static func dateText(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let offsetMinutes = timeZone.secondsFromGMT(for: date) / 60
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = weekdays[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        let zone = (offsetMinutes < 0 ? "-" : "+") + twoDigits(abs(offsetMinutes) / 60) + twoDigits(abs(offsetMinutes) % 60)
        let time = [parts.hour, parts.minute, parts.second].map { twoDigits($0 ?? 0) }.joined(separator: ":")
        return "\(weekday), \(twoDigits(parts.day ?? 1)) \(month) \(parts.year ?? 1970) \(time) \(zone)"
    }

    // MARK: Body

    /// A MIME entity before it is written out: its own fields and its encoded content.
    struct Entity {
        var fields: [[UInt8]]
        var content: [UInt8]
        /// Carries raw 8-bit bytes somewhere inside, which its enclosing multiparts must declare.
        var isEightBit = false

        var bytes: [UInt8] {
            var output = fields.flatMap { $0 }
            output += [0x0D, 0x0A]
            output += content
            return output
        }
    }

    private func bodyEntity(_ message: OutgoingMessage) -> Entity {
        var main = textEntity(message.textBody, subtype: "plain")
        if let html = message.htmlBody {
            main = Self.multipart("alternative", [main, textEntity(html, subtype: "html")])
        }
        guard !message.attachments.isEmpty else { return main }
        return Self.multipart("mixed", [main] + message.attachments.map(Self.attachmentEntity))
    }

    private func textEntity(_ text: String, subtype: String) -> Entity {
        let bytes = Self.normalisedLines(text)
        let encoding = Self.transferEncoding(for: bytes, allows8bit: allows8bit)
        var type = HeaderFieldWriter(name: "Content-Type")
        type.append("text/" + subtype)
        ParameterEncoder.append(name: "charset", value: "utf-8", to: &type)
        let content: [UInt8] = switch encoding {
        case .sevenBit, .eightBit: bytes
        case .quotedPrintable: QuotedPrintableEncoder.encode(bytes)
        case .base64: Base64Encoder.encodeLines(bytes)
        }
        return Entity(fields: [type.bytes, Self.field("Content-Transfer-Encoding", encoding.rawValue)], content: content, isEightBit: encoding == .eightBit)
    }

    private static func attachmentEntity(_ attachment: OutgoingMessage.Attachment) -> Entity {
        var type = HeaderFieldWriter(name: "Content-Type")
        type.append(mediaType(attachment.contentType))
        ParameterEncoder.appendEncodedWordForm(name: "name", value: attachment.filename, to: &type)
        var disposition = HeaderFieldWriter(name: "Content-Disposition")
        disposition.append("attachment")
        ParameterEncoder.append(name: "filename", value: attachment.filename, to: &disposition)
        return Entity(
            fields: [type.bytes, disposition.bytes, field("Content-Transfer-Encoding", "base64")],
            content: Base64Encoder.encodeLines(attachment.data))
    }

    /// The declared type when it is a plain `type/subtype`; multipart and message types are not
    /// allowed in base64 (RFC 2046 §5), so those, and anything unreadable, become octet-stream.
    static func mediaType(_ declared: String) -> String {
        let lower = declared.trimmingBlanks().lowercased()
        let halves = lower.split(separator: "/", omittingEmptySubsequences: false)
        guard lower.utf8.count <= 200, halves.count == 2,
              halves.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(ParameterEncoder.isTokenByte) }),
              halves[0] != "multipart", halves[0] != "message"
        else { return "application/octet-stream" }
        return lower
    }

    private static func multipart(_ subtype: String, _ parts: [Entity]) -> Entity {
        let boundary = newBoundary(notIn: parts)
        var type = HeaderFieldWriter(name: "Content-Type")
        type.append("multipart/" + subtype)
        ParameterEncoder.append(name: "boundary", value: boundary, to: &type)
        let delimiter = Array("--\(boundary)\r\n".utf8)
        var content: [UInt8] = []
        for part in parts {
            content += delimiter
            content += part.bytes
            // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            content += [0x0D, 0x0A]
        }
        content += Array("--\(boundary)--\r\n".utf8)
        var fields = [type.bytes]
        let isEightBit = parts.contains { $0.isEightBit }
        if isEightBit { fields.append(field("Content-Transfer-Encoding", "8bit")) }
        return Entity(fields: fields, content: content, isEightBit: isEightBit)
    }

    /// `=_` and 32 random hex digits: `=_` cannot occur in base64 or quoted-printable, and the
    /// 7bit and 8bit parts are searched, so no part can contain the delimiter line.
    private static func newBoundary(notIn parts: [Entity]) -> String {
        while true {
            let candidate = "=_" + OutgoingMessage.randomHex(digits: 32)
            let bytes = Array(candidate.utf8)
            if !parts.contains(where: { $0.content.firstRange(of: bytes) != nil }) { return candidate }
        }
    }

    /// CRLF for every line end (CR, LF or CRLF in the input), and a final one, so the text reads
    /// back the same whether it is the last part or not.
    static func normalisedLines(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 2)
        var afterCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                output += [0x0D, 0x0A]
                afterCR = true
            case 0x0A:
                if !afterCR { output += [0x0D, 0x0A] }
                afterCR = false
            default:
                output.append(byte)
                afterCR = false
            }
        }
        if let last = output.last, last != 0x0A { output += [0x0D, 0x0A] }
        return output
    }

    enum BodyEncoding: String {
        case sevenBit = "7bit"
        case eightBit = "8bit"
        case quotedPrintable = "quoted-printable"
        case base64
    }

    /// `bytes` have CRLF line ends only (see `normalisedLines`).
    static func transferEncoding(for bytes: [UInt8], allows8bit: Bool) -> BodyEncoding {
        var longestLine = 0
        var lineLength = 0
        var nonASCII = 0
        var hasNUL = false
        for byte in bytes {
            switch byte {
            case 0x0A:
                longestLine = max(longestLine, lineLength)
                lineLength = 0
            case 0x0D:
                break
            default:
                lineLength += 1
                if byte >= 0x80 { nonASCII += 1 }
                if byte == 0 { hasNUL = true }
            }
        }
        longestLine = max(longestLine, lineLength)
        if !hasNUL, longestLine <= HeaderFieldWriter.maximumLineLength {
            if nonASCII == 0 { return .sevenBit }
            if allows8bit { return .eightBit }
        }
        // Quoted-printable spends three characters on a byte outside ASCII, base64 four on three.
        let quotedPrintableSize = bytes.count + 2 * nonASCII
        let base64Size = (bytes.count + 2) / 3 * 4
        return quotedPrintableSize <= base64Size ? .quotedPrintable : .base64
    }
}
