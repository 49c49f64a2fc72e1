/// The header section of a message or body part: fields in order, values unfolded, plus where
/// the body starts. Accepts CRLF or bare LF line ends, a missing blank line, and junk lines,
/// each noted as a defect instead of failing.
public struct HeaderBlock: Sendable {
    public struct Field: Sendable, Equatable {
        public let name: String
        /// The unfolded value as raw bytes (it may carry 8-bit text or encoded words).
        public let raw: [UInt8]
    }

    public private(set) var fields: [Field] = []
    /// Offset of the first body byte in the input.
    public private(set) var bodyStart: Int
    public private(set) var defects: [MIMEDefect] = []

    public init(parsing bytes: some RandomAccessCollection<UInt8>) {
        let input = Array(bytes)
        var index = 0
        var current: (name: String, value: [UInt8])?
        func finish() {
            if let field = current { fields.append(Field(name: field.name, raw: Self.trim(field.value))) }
            current = nil
        }
        bodyStart = input.count
        while index < input.count {
            var lineEnd = index
            while lineEnd < input.count, input[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > index, input[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = min(lineEnd + 1, input.count)
            if contentEnd == index {
                // The blank line: the body follows.
                finish()
                bodyStart = next
                return
            }
            let first = input[index]
            if first == 0x20 || first == 0x09 {
                // A folded continuation: unfolding removes only the line break.
                if current != nil {
                    current!.value += input[index..<contentEnd]
                } else {
                    defects.append(.malformedHeaderLine)
                }
            } else if let colon = input[index..<contentEnd].firstIndex(of: UInt8(ascii: ":")),
                      colon > index, input[index..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                finish()
                current = (String(decoding: input[index..<colon], as: UTF8.self), Array(input[(colon + 1)..<contentEnd]))
            } else if fields.isEmpty && current == nil {
                // No header at all: the whole input is body.
                defects.append(.missingHeaderSeparator)
                bodyStart = index
                return
            } else {
                defects.append(.malformedHeaderLine)
            }
            index = next
        }
        finish()
        defects.append(.missingHeaderSeparator)
    }

    /// The first field of that name (case-insensitive), raw.
    public func raw(_ name: String) -> [UInt8]? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.raw
    }

    /// The first field of that name, decoded for display (encoded words, 8-bit text).
    public func text(_ name: String) -> String? {
        raw(name).map { EncodedWords.decode($0).text }
    }

    public func all(_ name: String) -> [Field] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }
    }

    static func trim(_ value: [UInt8]) -> [UInt8] {
        var start = 0, end = value.count
        while start < end, value[start] == 0x20 || value[start] == 0x09 { start += 1 }
        while end > start, value[end - 1] == 0x20 || value[end - 1] == 0x09 || value[end - 1] == 0x0D { end -= 1 }
        return Array(value[start..<end])
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
