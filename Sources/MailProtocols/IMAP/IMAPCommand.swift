/// A command ready for the wire: text with literals in between. Whether each literal goes out
/// synchronising (`{n}`, then wait for `+`) or not (`{n+}`) depends on the server's
/// capabilities, so the client decides that while writing, not here.
struct IMAPCommand: Sendable {
    enum Piece: Sendable, Equatable {
        case text([UInt8])
        case literal([UInt8])
    }

    /// The command's name for logs and errors; arguments may hold passwords and never appear.
    let name: String
    private var finishedPieces: [Piece] = []
    private var text: [UInt8]

    init(_ name: String) {
        self.name = name
        text = Array(name.utf8)
    }

    /// The pieces, the last one ending with CRLF. The tag is not included.
    var pieces: [Piece] {
        finishedPieces + [.text(text + [UInt8(ascii: "\r"), UInt8(ascii: "\n")])]
    }

    var hasLiterals: Bool { !finishedPieces.isEmpty }

    /// A space and protocol text the caller built: atoms, numbers, sequence sets, `(FLAGS UID)`.
    mutating func add(_ raw: String) {
        text.append(IMAPByte.space)
        text.append(contentsOf: raw.utf8)
    }

    /// A space and a string, quoted when it can be, a literal when it cannot (CR, LF, NUL, or
    /// 8-bit bytes before `UTF8=ACCEPT` is enabled).
    mutating func addString(_ value: some Collection<UInt8>, utf8Allowed: Bool) {
        text.append(IMAPByte.space)
        appendString(value, utf8Allowed: utf8Allowed)
    }

    mutating func addString(_ value: String, utf8Allowed: Bool) {
        addString(value.utf8, utf8Allowed: utf8Allowed)
    }

    /// One element of a parenthesised list: protocol text as it is, or a string to quote.
    enum ListElement: Sendable {
        case atom(String)
        case string([UInt8])
    }

    /// A space and a parenthesised list: `("name" "SmartySales")`, `(\Important "Клиенты")`.
    mutating func addList(_ elements: [ListElement], utf8Allowed: Bool) {
        text.append(IMAPByte.space)
        text.append(IMAPByte.openParen)
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(IMAPByte.space) }
            switch element {
            case .atom(let atom): text.append(contentsOf: atom.utf8)
            case .string(let value): appendString(value, utf8Allowed: utf8Allowed)
            }
        }
        text.append(IMAPByte.closeParen)
    }

    /// A space and a literal, whatever its content (APPEND's message).
    mutating func addLiteral(_ bytes: [UInt8]) {
        text.append(IMAPByte.space)
        appendLiteral(bytes)
    }

    private mutating func appendString(_ value: some Collection<UInt8>, utf8Allowed: Bool) {
        guard Self.canQuote(value, utf8Allowed: utf8Allowed) else {
            appendLiteral(Array(value))
            return
        }
        text.append(IMAPByte.quote)
        for byte in value {
            if byte == IMAPByte.quote || byte == IMAPByte.backslash { text.append(IMAPByte.backslash) }
            text.append(byte)
        }
        text.append(IMAPByte.quote)
    }

    private mutating func appendLiteral(_ bytes: [UInt8]) {
        finishedPieces.append(.text(text))
        finishedPieces.append(.literal(bytes))
        text = []
    }

    static func canQuote(_ value: some Collection<UInt8>, utf8Allowed: Bool) -> Bool {
        value.count <= 1000 && value.allSatisfy { byte in
            byte != 0 && byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\n") && (byte < 0x80 || utf8Allowed)
        }
    }
}
