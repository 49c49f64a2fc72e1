/// A mailbox from an address header: display name (decoded) and address.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public let name: String?
    /// `local@domain`, domain lower-cased; IDN domains are kept as written (Unicode or `xn--`).
    public let address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    public var description: String {
        name.map { "\($0) <\(address)>" } ?? address
    }

    /// Parses `To:`/`From:`/`Cc:` values: lists, groups (`Sales: a@b.ru, c@d.ru;`), comments,
    /// quoted and encoded display names, angle-less addresses, and the obsolete
    /// `addr (Name)` form. Anything unreadable is skipped; the rest still comes back.
    public static func parseList(_ raw: [UInt8]) -> [MailAddress] {
        var results: [MailAddress] = []
        for item in splitTopLevel(raw) {
            if let address = parseMailbox(item) { results.append(address) }
        }
        return results
    }

    /// Splits on commas outside quotes, comments and angle brackets; a group's "Name:" prefix
    /// and closing ";" are dropped so its members read as a plain list. Each item is the run of
    /// bytes between two separators, copied once.
    static func splitTopLevel(_ raw: [UInt8]) -> [[UInt8]] {
        var items: [[UInt8]] = []
        var itemStart = 0
        var inQuote = false, inAngle = false, commentDepth = 0
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if inQuote {
                if byte == UInt8(ascii: "\\"), index + 1 < raw.count { index += 2; continue }
                if byte == UInt8(ascii: "\"") { inQuote = false }
            } else if commentDepth > 0 {
                if byte == UInt8(ascii: "(") { commentDepth += 1 }
                if byte == UInt8(ascii: ")") { commentDepth -= 1 }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inQuote = true
                case UInt8(ascii: "("): commentDepth = 1
                case UInt8(ascii: "<"): inAngle = true
                case UInt8(ascii: ">"): inAngle = false
                // Inside angle brackets a comma belongs to an obsolete source route (RFC 5322 §4.4).
                case UInt8(ascii: ",") where !inAngle, UInt8(ascii: ";") where !inAngle:
                    items.append(Array(raw[itemStart..<index]))
                    itemStart = index + 1
                case UInt8(ascii: ":") where !inAngle && !raw[itemStart..<index].contains(UInt8(ascii: "@")):
                    // "Group name:" — the members follow.
                    itemStart = index + 1
                default:
                    break
                }
            }
            index += 1
        }
        items.append(Array(raw[min(itemStart, raw.count)...]))
        return items
    }

    static func parseMailbox(_ item: [UInt8]) -> MailAddress? {
        var comments: [String] = []
        let withoutComments = stripComments(item, into: &comments)
        if let open = withoutComments.lastIndex(of: UInt8(ascii: "<")) {
            let close = withoutComments[open...].firstIndex(of: UInt8(ascii: ">")) ?? withoutComments.endIndex
            let inside = withoutComments[(open + 1)..<close]
            let address: String?
            if inside.allSatisfy({ $0 < 0x80 }) {
                // An obsolete source route ("@relay1,@relay2:user@host") names hops, not the mailbox.
                var mailbox = inside
                if mailbox.first == UInt8(ascii: "@"), let colon = mailbox.lastIndex(of: UInt8(ascii: ":")) { mailbox = mailbox[(colon + 1)...] }
                address = normaliseASCII(mailbox)
            } else {
                var text = String(decoding: inside, as: UTF8.self)
                if text.hasPrefix("@"), let colon = text.lastIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
                address = normalise(text)
            }
            guard let address else { return nil }
            var name = displayName(Array(withoutComments[..<open]))
            if name == nil, let comment = comments.first { name = comment }
            return MailAddress(name: name, address: address)
        }
        let address = withoutComments.allSatisfy({ $0 < 0x80 })
            ? normaliseASCII(withoutComments[...])
            : normalise(String(decoding: withoutComments, as: UTF8.self))
        guard let address else { return nil }
        return MailAddress(name: comments.first, address: address)
    }

    /// The phrase before `<…>`: quotes removed (with their escapes), encoded words decoded.
    static func displayName(_ raw: [UInt8]) -> String? {
        var bytes: [UInt8] = []
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                while index < raw.count, raw[index] != UInt8(ascii: "\"") {
                    if raw[index] == UInt8(ascii: "\\"), index + 1 < raw.count { index += 1 }
                    bytes.append(raw[index])
                    index += 1
                }
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        let decoded = EncodedWords.decode(bytes).text
        let name = ASCIIFastPath.isASCII(decoded)
            ? collapsingBlanksASCII(decoded)
            : decoded.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        return name.isEmpty ? nil : name
    }

    /// Runs of spaces and tabs become one space, none at the ends: what splitting on them and
    /// joining with spaces gives, on the bytes of ASCII text.
    static func collapsingBlanksASCII(_ text: String) -> String {
        // Never longer than the text: each space written stands for at least one blank read.
        String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            var count = 0
            var pendingSpace = false
            for byte in text.utf8 {
                if byte == 0x20 || byte == 0x09 {
                    pendingSpace = count > 0
                    continue
                }
                if pendingSpace {
                    buffer[count] = 0x20
                    count += 1
                }
                pendingSpace = false
                buffer[count] = byte
                count += 1
            }
            return count
        }
    }

    static func stripComments(_ item: [UInt8], into comments: inout [String]) -> [UInt8] {
        // Without a "(" there is no comment and every byte is kept.
        guard item.contains(UInt8(ascii: "(")) else { return item }
        var output: [UInt8] = []
        var comment: [UInt8] = []
        var depth = 0
        var inQuote = false
        for byte in item {
            if depth == 0, byte == UInt8(ascii: "\"") { inQuote.toggle() }
            if !inQuote, byte == UInt8(ascii: "(") {
                depth += 1
                if depth == 1 { continue }
            }
            if !inQuote, byte == UInt8(ascii: ")"), depth > 0 {
                depth -= 1
                if depth == 0 {
                    let text = EncodedWords.decode(comment).text.trimmingBlanks()
                    if !text.isEmpty { comments.append(text) }
                    comment = []
                    continue
                }
            }
            if depth > 0 { comment.append(byte) } else { output.append(byte) }
        }
        return output
    }

    /// ``normalise(_:)`` on the bytes of ASCII text, where a character is a byte (CR LF, the one
    /// two-byte character, is whitespace either way).
    static func normaliseASCII(_ bytes: ArraySlice<UInt8>) -> String? {
        var compact: [UInt8] = []
        compact.reserveCapacity(bytes.count)
        for byte in bytes where !ASCIIFastPath.isWhitespace(byte) && byte != UInt8(ascii: "\"") { compact.append(byte) }
        guard let at = compact.lastIndex(of: UInt8(ascii: "@")), at > 0, at + 1 < compact.count else { return nil }
        for index in (at + 1)..<compact.count { compact[index] = ASCIIFastPath.lowercased(compact[index]) }
        return String(decoding: compact, as: UTF8.self)
    }

    /// `local@domain` with blanks removed and the domain lower-cased, or `nil` if it is not one.
    static func normalise(_ text: String) -> String? {
        let compact = text.filter { !$0.isWhitespace && $0 != "\"" }
        guard let at = compact.lastIndex(of: "@"), at != compact.startIndex else { return nil }
        let domain = compact[compact.index(after: at)...]
        guard !domain.isEmpty else { return nil }
        return String(compact[..<at]) + "@" + domain.lowercased()
    }
}
