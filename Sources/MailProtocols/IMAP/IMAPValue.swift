/// One node of the generic IMAP data tree, for the parts of a response whose shape the client
/// does not need to know in advance (BODYSTRUCTURE, ENVELOPE, unknown extensions).
///
/// Strings stay bytes: a quoted string and a literal mean the same thing on the wire, and
/// decoding them is the caller's business (a header literal is not UTF-8 text).
public indirect enum IMAPValue: Sendable, Equatable {
    case atom([UInt8])
    case number(UInt64)
    /// A quoted string (escapes removed) or a literal.
    case string([UInt8])
    case nilValue
    case list([IMAPValue])

    /// The bytes of an atom or a string; a number in its decimal form.
    public var bytes: [UInt8]? {
        switch self {
        case .atom(let bytes), .string(let bytes): bytes
        case .number(let value): Array(String(value).utf8)
        case .nilValue, .list: nil
        }
    }

    /// The value as UTF-8 text (invalid sequences become U+FFFD); `nil` for NIL and lists.
    public var text: String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    public var number: UInt64? {
        switch self {
        case .number(let value): value
        // Some servers quote numbers inside BODYSTRUCTURE.
        case .string(let bytes), .atom(let bytes): IMAPValue.decimal(bytes)
        case .nilValue, .list: nil
        }
    }

    public var list: [IMAPValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    public var isNil: Bool { self == .nilValue }

    static func decimal(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
