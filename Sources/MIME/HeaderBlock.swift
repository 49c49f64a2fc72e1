/// The header section of a message or body part: fields in order, values unfolded, plus where
/// the body starts. Accepts CRLF or bare LF line ends, a missing blank line, and junk lines,
/// each noted as a defect instead of failing.
public struct HeaderBlock: Sendable {
    public struct Field: Sendable, Equatable {
        public let name: String
        /// The unfolded value as raw bytes (it may carry 8-bit text or encoded words).
        public let raw: [UInt8]
        /// A hash of the name without regard to ASCII case. A message's fields are looked up by
        /// name some thirty times; comparing these first leaves a full comparison to the one
        /// field that (almost surely) matches.
        let nameHash: UInt64

        init(name: String, raw: [UInt8]) {
            self.init(name: name, raw: raw, nameHash: HeaderBlock.nameHash(name))
        }

        init(name: String, raw: [UInt8], nameHash: UInt64) {
            self.name = name
            self.raw = raw
            self.nameHash = nameHash
        }
    }

    /// FNV-1a over the name's bytes with ASCII letters lower-cased.
    static func nameHash(_ name: String) -> UInt64 {
        // Names asked for are literals, whose bytes are contiguous: hash them in place.
        if let hash = name.utf8.withContiguousStorageIfAvailable({ nameHash($0) }) { return hash }
        var hash = nameHashSeed
        for byte in name.utf8 { hash = nameHashStep(hash, byte) }
        return hash
    }

    static func nameHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = nameHashSeed
        for byte in bytes { hash = nameHashStep(hash, byte) }
        return hash
    }

    private static let nameHashSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    private static func nameHashStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(ASCIIFastPath.lowercased(byte))) &* 0x0000_0100_0000_01B3
    }

    /// Field names compared as ASCII without regard to case, on the strings' own bytes: a
    /// message's fields are looked up by name some thirty times, so no copies are made.
    static func sameName(_ name: String, _ other: String) -> Bool {
        let left = name.utf8, right = other.utf8
        guard left.count == right.count else { return false }
        var index = right.startIndex
        for byte in left {
            let otherByte = right[index]
            if byte != otherByte, ASCIIFastPath.lowercased(byte) != ASCIIFastPath.lowercased(otherByte) { return false }
            right.formIndex(after: &index)
        }
        return true
    }

    public private(set) var fields: [Field] = []
    /// Offset of the first body byte in the input.
    public private(set) var bodyStart: Int
    public private(set) var defects: [MIMEDefect] = []

    static let mboxSeparator = Array("From ".utf8)

    /// Reads the bytes in place (a message's or part's slice is not copied first).
    public init(parsing bytes: some RandomAccessCollection<UInt8>) {
        let parsed = bytes.withContiguousStorageIfAvailable { Self.parse($0) }
            ?? Array(bytes).withUnsafeBufferPointer { Self.parse($0) }
        fields = parsed.fields
        bodyStart = parsed.bodyStart
        defects = parsed.defects
    }

    private static func parse(_ input: UnsafeBufferPointer<UInt8>) -> (fields: [Field], bodyStart: Int, defects: [MIMEDefect]) {
        var fields: [Field] = []
        var defects: [MIMEDefect] = []
        var index = 0
        // The field being read: its name, where its value starts and ends on its first line, and
        // the unfolded value once a continuation line has come (most fields have none, and their
        // value is copied once, already trimmed).
        var name: String?
        var nameHash: UInt64 = 0
        var valueStart = 0, valueEnd = 0
        var unfolded: [UInt8]?
        func finish() {
            guard let fieldName = name else { return }
            if let value = unfolded {
                let raw = value.withUnsafeBufferPointer { Self.trimmed($0, from: 0, to: $0.count) }
                fields.append(Field(name: fieldName, raw: raw, nameHash: nameHash))
            } else {
                fields.append(Field(name: fieldName, raw: Self.trimmed(input, from: valueStart, to: valueEnd), nameHash: nameHash))
            }
            name = nil
            unfolded = nil
        }
        // A message kept in an mbox file (RFC 4155) starts with its "From sender date" separator
        // line, which is not a field: skip it, or the whole message would read as body.
        if input.starts(with: Self.mboxSeparator) {
            while index < input.count, input[index] != 0x0A { index += 1 }
            index = min(index + 1, input.count)
        }
        while index < input.count {
            var lineEnd = index
            while lineEnd < input.count, input[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > index, input[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = min(lineEnd + 1, input.count)
            if contentEnd == index {
                // The blank line: the body follows.
                finish()
                return (fields, next, defects)
            }
            let first = input[index]
            if first == 0x20 || first == 0x09 {
                // A folded continuation: unfolding removes only the line break.
                if name != nil {
                    if unfolded == nil { unfolded = Array(UnsafeBufferPointer(rebasing: input[valueStart..<valueEnd])) }
                    unfolded?.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<contentEnd]))
                } else {
                    defects.append(.malformedHeaderLine)
                }
            } else if let colon = Self.fieldNameEnd(input, from: index, to: contentEnd) {
                finish()
                let nameBytes = UnsafeBufferPointer(rebasing: input[index..<colon])
                name = String(decoding: nameBytes, as: UTF8.self)
                nameHash = Self.nameHash(nameBytes)
                valueStart = colon + 1
                valueEnd = contentEnd
            } else if fields.isEmpty && name == nil {
                // No header at all: the whole input is body.
                defects.append(.missingHeaderSeparator)
                return (fields, index, defects)
            } else {
                defects.append(.malformedHeaderLine)
            }
            index = next
        }
        finish()
        defects.append(.missingHeaderSeparator)
        return (fields, input.count, defects)
    }

    /// The colon ending a field name that starts the line `start..<end`: the line's first colon,
    /// after at least one byte, with only visible ASCII before it; `nil` if the line is no field.
    private static func fieldNameEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end, input[index] != UInt8(ascii: ":") { index += 1 }
        guard index < end, index > start else { return nil }
        for position in start..<index where input[position] <= 0x20 || input[position] >= 0x7F { return nil }
        return index
    }

    /// The first field of that name (case-insensitive), raw.
    public func raw(_ name: String) -> [UInt8]? {
        firstIndex(of: name).map { fields[$0].raw }
    }

    /// Compares hashes index by index: handing whole fields to a closure retained and released
    /// each one's name and value, and a message's fields are searched some thirty times.
    private func firstIndex(of name: String) -> Int? {
        let hash = Self.nameHash(name)
        for index in fields.indices where fields[index].nameHash == hash && Self.sameName(fields[index].name, name) {
            return index
        }
        return nil
    }

    /// The first field of that name, decoded for display (encoded words, 8-bit text).
    public func text(_ name: String) -> String? {
        raw(name).map { EncodedWords.decode($0).text }
    }

    public func all(_ name: String) -> [Field] {
        let hash = Self.nameHash(name)
        return fields.indices.filter { fields[$0].nameHash == hash && Self.sameName(fields[$0].name, name) }.map { fields[$0] }
    }

    /// `start..<end` without leading blanks and trailing blanks and carriage returns, copied.
    static func trimmed(_ value: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> [UInt8] {
        var start = start, end = end
        while start < end, value[start] == 0x20 || value[start] == 0x09 { start += 1 }
        while end > start, value[end - 1] == 0x20 || value[end - 1] == 0x09 || value[end - 1] == 0x0D { end -= 1 }
        return Array(UnsafeBufferPointer(rebasing: value[start..<end]))
    }
}
