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
    /// and closing ";" are dropped so its members read as a plain list.
    static func splitTopLevel(_ raw: [UInt8]) -> [[UInt8]] {
        var items: [[UInt8]] = []
        var current: [UInt8] = []
        var inQuote = false, inAngle = false, commentDepth = 0
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if inQuote {
                current.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < raw.count { current.append(raw[index + 1]); index += 2; continue }
                if byte == UInt8(ascii: "\"") { inQuote = false }
            } else if commentDepth > 0 {
                current.append(byte)
                if byte == UInt8(ascii: "(") { commentDepth += 1 }
                if byte == UInt8(ascii: ")") { commentDepth -= 1 }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inQuote = true; current.append(byte)
                case UInt8(ascii: "("): commentDepth = 1; current.append(byte)
                case UInt8(ascii: "<"): inAngle = true; current.append(byte)
                case UInt8(ascii: ">"): inAngle = false; current.append(byte)
                // Inside angle brackets a comma belongs to an obsolete source route (RFC 5322 §4.4).
                case UInt8(ascii: ",") where !inAngle, UInt8(ascii: ";") where !inAngle:
                    items.append(current)
                    current = []
                case UInt8(ascii: ":") where !inAngle && !current.contains(UInt8(ascii: "@")):
                    // "Group name:" — the members follow.
                    current = []
                default:
                    current.append(byte)
                }
            }
            index += 1
        }
        items.append(current)
        return items
    }

    static func parseMailbox(_ item: [UInt8]) -> MailAddress? {
        var comments: [String] = []
        let withoutComments = stripComments(item, into: &comments)
        if let open = withoutComments.lastIndex(of: UInt8(ascii: "<")) {
            let close = withoutComments[open...].firstIndex(of: UInt8(ascii: ">")) ?? withoutComments.endIndex
            var inside = String(decoding: withoutComments[(open + 1)..<close], as: UTF8.self)
            // An obsolete source route ("@relay1,@relay2:user@host") names hops, not the mailbox.
            if inside.hasPrefix("@"), let colon = inside.lastIndex(of: ":") { inside = String(inside[inside.index(after: colon)...]) }
            let address = normalise(inside)
            guard let address else { return nil }
            var name = displayName(Array(withoutComments[..<open]))
            if name == nil, let comment = comments.first { name = comment }
            return MailAddress(name: name, address: address)
        }
        guard let address = normalise(String(decoding: withoutComments, as: UTF8.self)) else { return nil }
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
        let name = EncodedWords.decode(bytes).text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        return name.isEmpty ? nil : name
    }

    static func stripComments(_ item: [UInt8], into comments: inout [String]) -> [UInt8] {
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

    /// `local@domain` with blanks removed and the domain lower-cased, or `nil` if it is not one.
    static func normalise(_ text: String) -> String? {
        let compact = text.filter { !$0.isWhitespace && $0 != "\"" }
        guard let at = compact.lastIndex(of: "@"), at != compact.startIndex else { return nil }
        let domain = compact[compact.index(after: at)...]
        guard !domain.isEmpty else { return nil }
        return String(compact[..<at]) + "@" + domain.lowercased()
    }
}
