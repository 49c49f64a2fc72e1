/// A response as it arrived, before parsing: its lines, and the literal announced at the end of
/// every line but the last (`literals[i]` follows `lines[i]`).
struct IMAPRawResponse: Sendable, Equatable {
    var lines: [[UInt8]]
    var literals: [[UInt8]]

    /// A tagged completion is the only response that starts with neither `*` nor `+`.
    var isTagged: Bool {
        guard let first = lines.first?.first else { return false }
        return first != UInt8(ascii: "*") && first != UInt8(ascii: "+")
    }
}

/// Cuts whole responses out of the byte stream. With `IMAPFrameScanner` this is the only place
/// that knows a literal `{n}` at the end of a line means "n raw bytes follow, then the line goes
/// on", so the parser itself never waits for I/O.
enum IMAPResponseFramer {
    /// Nothing we fetch comes near this (headers, a 2 KB window, a label list); a bigger
    /// announcement is a broken or hostile server, not a message worth the memory.
    static let largestLiteral = 64 * 1024 * 1024

    /// The size in a trailing `{n}` (or `{n+}`, `~{n}`), or `nil` when the line ends otherwise.
    static func literalAnnouncement<Line: BidirectionalCollection<UInt8>>(endingLine line: Line) throws -> Int? {
        guard line.last == UInt8(ascii: "}") else { return nil }
        var index = line.index(before: line.endIndex)
        if index > line.startIndex, line[line.index(before: index)] == UInt8(ascii: "+") { index = line.index(before: index) }
        let digitsEnd = index
        while index > line.startIndex {
            let previous = line.index(before: index)
            guard line[previous] >= UInt8(ascii: "0"), line[previous] <= UInt8(ascii: "9") else { break }
            index = previous
        }
        let digitsStart = index
        guard digitsStart > line.startIndex, digitsStart < digitsEnd,
              line[line.index(before: digitsStart)] == UInt8(ascii: "{") else { return nil }
        let digits = line[digitsStart..<digitsEnd]
        guard let size = IMAPValue.decimal(digits), size <= UInt64(largestLiteral) else {
            throw IMAPError.protocolViolation("literal of \(String(decoding: digits, as: UTF8.self)) bytes announced")
        }
        return Int(size)
    }

    /// Cuts the next whole response out of bytes that are known to hold one (what
    /// `IMAPFrameScanner` measured), without waiting for anything.
    static func response(in bytes: [UInt8], from start: inout Int) throws -> IMAPRawResponse {
        var response = IMAPRawResponse(lines: [], literals: [])
        while true {
            guard let lineFeed = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw IMAPError.protocolViolation("a response cut short")
            }
            var lineEnd = lineFeed
            if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = Array(bytes[start..<lineEnd])
            start = lineFeed + 1
            if response.lines.isEmpty && line.isEmpty { continue }
            response.lines.append(line)
            guard let size = try literalAnnouncement(endingLine: line) else { return response }
            guard start + size <= bytes.count else { throw IMAPError.protocolViolation("a literal cut short") }
            response.literals.append(Array(bytes[start..<(start + size)]))
            start += size
        }
    }
}

/// Where one IMAP response ends: after the first line that does not announce a literal, with
/// every announced literal skipped by its count (so a CRLF inside one never ends a response).
/// Blank lines before a response belong to it and are dropped by the framer, as on the
/// line-by-line path.
struct IMAPFrameScanner: MailFrameScanner {
    let maximumLineLength: Int

    func completeFrameLength(in bytes: UnsafeRawBufferPointer) throws -> Int? {
        var position = 0
        var blankLines = 0
        var atStart = true
        while true {
            guard let lineFeed = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else {
                if bytes.count - position > maximumLineLength + 1 { throw MailTransportError.lineTooLong(bytes.count - position) }
                return nil
            }
            var lineEnd = lineFeed
            if lineEnd > position, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            guard lineEnd - position <= maximumLineLength else { throw MailTransportError.lineTooLong(lineEnd - position) }
            if atStart, lineEnd == position {
                blankLines += 1
                guard blankLines < 100 else { throw IMAPError.protocolViolation("a run of empty lines") }
                position = lineFeed + 1
                continue
            }
            atStart = false
            guard let size = try IMAPResponseFramer.literalAnnouncement(endingLine: bytes[position..<lineEnd]) else {
                return lineFeed + 1
            }
            let next = lineFeed + 1 + size
            guard next <= bytes.count else { return nil }
            position = next
        }
    }
}
