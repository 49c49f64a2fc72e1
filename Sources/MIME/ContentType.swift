/// A `Content-Type` or `Content-Disposition` value: the main value and its parameters, with
/// RFC 2231 continuations (`name*0*=`, `name*1*=`) and charsets (`name*=utf-8''%D0%90`)
/// decoded, quoted strings unescaped and comments skipped.
public struct HeaderValueWithParameters: Sendable, Equatable {
    /// Lower-cased: `text/plain`, `attachment`.
    public let value: String
    /// Parameter names lower-cased; values decoded.
    public let parameters: [String: String]
    public let defects: [MIMEDefect]

    public init(parsing raw: [UInt8]) {
        var scanner = ParameterScanner(raw)
        value = scanner.readValue().lowercased()
        var simple: [String: String] = [:]
        var extended: [String: [(index: Int, encoded: Bool, text: String)]] = [:]
        var defects: [MIMEDefect] = []
        while let (name, text) = scanner.readParameter() {
            let lower = name.lowercased()
            // Most names have no "*" at all: a plain parameter, no splitting needed.
            if !lower.utf8.contains(UInt8(ascii: "*")) {
                if simple[lower] == nil { simple[lower] = text }
                continue
            }
            // name*N*  name*N  name*  name
            let parts = lower.split(separator: "*", omittingEmptySubsequences: false)
            if parts.count == 1 {
                if simple[lower] == nil { simple[lower] = text }
            } else if parts.count == 2, parts[1].isEmpty {
                extended[String(parts[0]), default: []].append((0, true, text))
            } else if parts.count >= 2, let index = Int(parts[1]) {
                extended[String(parts[0]), default: []].append((index, parts.count == 3, text))
            } else {
                defects.append(.malformedParameter(name))
            }
        }
        var parameters = simple
        for (name, pieces) in extended {
            let ordered = pieces.sorted { $0.index < $1.index }
            var charset: Charset? = .utf8
            var bytes: [UInt8] = []
            for (position, piece) in ordered.enumerated() {
                var text = Substring(piece.text)
                if position == 0, piece.encoded {
                    // charset'language'value
                    let fields = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if fields.count == 3 {
                        charset = fields[0].isEmpty ? .utf8 : Charset(label: fields[0])
                        text = fields[2]
                    }
                }
                bytes += piece.encoded ? Self.percentDecode(text) : Array(text.utf8)
            }
            parameters[name] = charset?.decode(bytes) ?? CharsetGuess.decode(bytes)
        }
        // A plain `name="=?utf-8?B?…?="` (old Outlook) is RFC 2047 inside a parameter: decode it.
        for (name, text) in parameters where ASCIIFastPath.contains("=?", in: text) {
            parameters[name] = EncodedWords.decode(Array(text.utf8)).text
        }
        self.parameters = parameters
        self.defects = defects + scanner.defects
    }

    static func percentDecode(_ text: Substring) -> [UInt8] {
        var output: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                output.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                output.append(byte)
            }
        }
        return output
    }
}

/// Tokenises `value; a=b; c="d e"` with comments and stray semicolons.
struct ParameterScanner {
    let bytes: [UInt8]
    var index = 0
    var defects: [MIMEDefect] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func readValue() -> String {
        var value: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
            if bytes[index] == UInt8(ascii: "(") || isBlank(bytes[index]) {
                skipBlanksAndComments()
            } else {
                value.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    mutating func readParameter() -> (String, String)? {
        while index < bytes.count {
            while index < bytes.count, bytes[index] == UInt8(ascii: ";") || isBlank(bytes[index]) { index += 1 }
            skipBlanksAndComments()
            guard index < bytes.count else { return nil }
            let nameStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).trimmingBlanks()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                if !name.isEmpty { defects.append(.malformedParameter(name)) }
                continue
            }
            index += 1
            skipBlanksAndComments()
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var value: [UInt8] = []
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                    value.append(bytes[index])
                    index += 1
                }
                index += 1
                return (name, CharsetGuess.decode(value))
            }
            let valueStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
            let value = String(decoding: bytes[valueStart..<index], as: UTF8.self).trimmingBlanks()
            if !name.isEmpty { return (name, value) }
        }
        return nil
    }

    private mutating func skipBlanksAndComments() {
        while index < bytes.count {
            if isBlank(bytes[index]) {
                index += 1
            } else if bytes[index] == UInt8(ascii: "(") {
                var depth = 0
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "(") { depth += 1 }
                    if bytes[index] == UInt8(ascii: ")") { depth -= 1 }
                    index += 1
                    if depth == 0 { break }
                }
            } else {
                return
            }
        }
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
}

extension String {
    /// Without leading and trailing spaces and tabs (whole `Character`s only).
    ///
    /// Works on the UTF-8 bytes: a blank byte is a `Character` of its own unless a non-ASCII
    /// scalar next to it joins it (a combining mark after it, a prepended mark before it), and
    /// only then is the `Character` view asked.
    func trimmingBlanks() -> String {
        let bytes = utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 {
            let next = bytes.index(after: start)
            if next < end, bytes[next] >= 0x80 { return trimmingBlankCharacters() }
            start = next
        }
        while end > start {
            let last = bytes.index(before: end)
            guard bytes[last] == 0x20 || bytes[last] == 0x09 else { break }
            if last > start, bytes[bytes.index(before: last)] >= 0x80 { return trimmingBlankCharacters() }
            end = last
        }
        if start == bytes.startIndex, end == bytes.endIndex { return self }
        return String(self[start..<end])
    }

    private func trimmingBlankCharacters() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
