/// A message's MIME tree as BODYSTRUCTURE describes it (RFC 3501 §7.4.2), with each part's
/// section number so a part can be fetched on its own (`BODY.PEEK[1.2]`).
///
/// Type, subtype, encoding and parameter names are lower-cased: Gmail sends `"TEXT" "PLAIN"`,
/// Dovecot `"text" "plain"`.
public struct BodyStructure: Sendable, Equatable {
    public var type: String
    public var subtype: String
    /// Content-Type parameters (multipart: the extension parameters, e.g. boundary).
    public var parameters: [String: String]
    public var contentID: String?
    public var contentDescription: String?
    public var transferEncoding: String?
    public var size: Int
    public var lineCount: Int?
    public var disposition: String?
    public var dispositionParameters: [String: String]
    /// The children of a multipart; for message/rfc822 the encapsulated message's body alone.
    public var parts: [BodyStructure]
    /// The section specifier: `"1.2"`; `""` for a top-level multipart, which has no number.
    public var section: String

    public var isMultipart: Bool { type == "multipart" }

    public var mimeType: String { "\(type)/\(subtype)" }

    /// Builds the tree from the parsed BODYSTRUCTURE (or BODY) value of a whole message;
    /// `nil` when the value is not a body structure at all.
    public init?(_ value: IMAPValue) {
        guard let body = BodyStructure(messageBody: value, section: "") else { return nil }
        self = body
    }

    /// The body of a message: the top-level one, or one inside a message/rfc822 part at
    /// `section`. A single-part body is that message's part 1 (RFC 3501 §6.4.5).
    private init?(messageBody value: IMAPValue, section: String) {
        guard let items = value.list, let first = items.first else { return nil }
        if first.list != nil {
            self.init(multipart: items, section: section)
        } else {
            self.init(single: items, section: section.isEmpty ? "1" : section + ".1")
        }
    }

    /// A part inside a multipart, which takes the number it was given.
    private init?(part value: IMAPValue, section: String) {
        guard let items = value.list, let first = items.first else { return nil }
        if first.list != nil {
            self.init(multipart: items, section: section)
        } else {
            self.init(single: items, section: section)
        }
    }

    private init?(multipart items: [IMAPValue], section: String) {
        var children: [BodyStructure] = []
        var index = 0
        while index < items.count, items[index].list != nil {
            let childSection = section.isEmpty ? "\(children.count + 1)" : "\(section).\(children.count + 1)"
            guard let child = BodyStructure(part: items[index], section: childSection) else { return nil }
            children.append(child)
            index += 1
        }
        type = "multipart"
        subtype = items.count > index ? (items[index].text?.lowercased() ?? "mixed") : "mixed"
        parameters = items.count > index + 1 ? Self.parameters(items[index + 1]) : [:]
        let (kind, kindParameters) = items.count > index + 2 ? Self.disposition(items[index + 2]) : (nil, [:])
        disposition = kind
        dispositionParameters = kindParameters
        contentID = nil
        contentDescription = nil
        transferEncoding = nil
        size = children.reduce(0) { $0 + $1.size }
        lineCount = nil
        parts = children
        self.section = section
    }

    private init?(single items: [IMAPValue], section: String) {
        guard items.count >= 7, let typeText = items[0].text, let subtypeText = items[1].text else { return nil }
        let type = typeText.lowercased()
        let subtype = subtypeText.lowercased()

        // Fields after the size depend on the type: message/rfc822 carries the envelope, the
        // encapsulated body and a line count; text carries a line count.
        var encapsulated: [BodyStructure] = []
        var lineCount: Int?
        var extensionStart = 7
        if type == "message", subtype == "rfc822" || subtype == "global", items.count >= 10 {
            if let inner = BodyStructure(messageBody: items[8], section: section) { encapsulated = [inner] }
            lineCount = items[9].number.flatMap { Int(exactly: $0) }
            extensionStart = 10
        } else if type == "text", items.count >= 8 {
            lineCount = items[7].number.flatMap { Int(exactly: $0) }
            extensionStart = 8
        }
        // Extension data: MD5, then disposition.
        let dispositionIndex = extensionStart + 1
        let (kind, kindParameters) = items.count > dispositionIndex ? Self.disposition(items[dispositionIndex]) : (nil, [:])

        self.type = type
        self.subtype = subtype
        parameters = Self.parameters(items[2])
        contentID = items[3].text
        contentDescription = items[4].text
        transferEncoding = items[5].text?.lowercased()
        size = items[6].number.flatMap { Int(exactly: $0) } ?? 0
        self.lineCount = lineCount
        disposition = kind
        dispositionParameters = kindParameters
        parts = encapsulated
        self.section = section
    }

    /// `("CHARSET" "UTF-8" "NAME" "x.txt")` as a dictionary with lower-cased keys.
    private static func parameters(_ value: IMAPValue) -> [String: String] {
        guard let items = value.list else { return [:] }
        var result: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            if let key = items[index].text?.lowercased(), let value = items[index + 1].text {
                result[key] = value
            }
            index += 2
        }
        return result
    }

    /// `("attachment" ("filename" "a.pdf"))` or NIL.
    private static func disposition(_ value: IMAPValue) -> (String?, [String: String]) {
        guard let items = value.list, let kind = items.first?.text else { return (nil, [:]) }
        return (kind.lowercased(), items.count > 1 ? parameters(items[1]) : [:])
    }

    /// Parts in document order, depth first, without descending into attached messages.
    func leaves() -> [BodyStructure] {
        if isMultipart { return parts.flatMap { $0.leaves() } }
        return [self]
    }
}
