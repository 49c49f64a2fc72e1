/// Where response bytes come from: the network in production, a buffer in the parser tests.
protocol IMAPByteSource: Sendable {
    /// The next line without its CRLF.
    func readLine() async throws -> [UInt8]
    func readBytes(_ count: Int) async throws -> [UInt8]
}

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

/// Cuts the byte stream into whole responses. This is the only place that knows a literal
/// `{n}` at the end of a line means "n raw bytes follow, then the line goes on", so the parser
/// itself never waits for I/O.
enum IMAPResponseFramer {
    /// Nothing we fetch comes near this (headers, a 2 KB window, a label list); a bigger
    /// announcement is a broken or hostile server, not a message worth the memory.
    static let largestLiteral = 64 * 1024 * 1024

    static func readResponse(from source: some IMAPByteSource) async throws -> IMAPRawResponse {
        var response = IMAPRawResponse(lines: [], literals: [])
        var blankLines = 0
        while true {
            let line = try await source.readLine()
            // A stray empty line between responses carries nothing; some proxies emit one, and
            // refusing it would only turn noise into a dropped session. An endless run of them
            // would keep every read inside its timeout, so it is cut short.
            if response.lines.isEmpty && line.isEmpty {
                blankLines += 1
                guard blankLines < 100 else { throw IMAPError.protocolViolation("a run of empty lines") }
                continue
            }
            guard let size = try literalAnnouncement(endingLine: line) else {
                response.lines.append(line)
                return response
            }
            response.lines.append(line)
            response.literals.append(size == 0 ? [] : try await source.readBytes(size))
        }
    }

    /// The size in a trailing `{n}` (or `{n+}`, `~{n}`), or `nil` when the line ends otherwise.
    static func literalAnnouncement(endingLine line: [UInt8]) throws -> Int? {
        guard line.last == UInt8(ascii: "}") else { return nil }
        var index = line.count - 2
        if index >= 0, line[index] == UInt8(ascii: "+") { index -= 1 }
        let digitsEnd = index + 1
        while index >= 0, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") { index -= 1 }
        guard index >= 0, line[index] == UInt8(ascii: "{"), digitsEnd > index + 1 else { return nil }
        guard let size = IMAPValue.decimal(line[(index + 1)..<digitsEnd]), size <= UInt64(largestLiteral) else {
            throw IMAPError.protocolViolation("literal of \(String(decoding: line[(index + 1)..<digitsEnd], as: UTF8.self)) bytes announced")
        }
        return Int(size)
    }
}

/// Reads from a `MailTransport` with one timeout for every line and literal.
struct IMAPTransportSource: IMAPByteSource {
    let transport: MailTransport
    let timeout: Duration?

    func readLine() async throws -> [UInt8] {
        try await transport.readLine(timeout: timeout)
    }

    func readBytes(_ count: Int) async throws -> [UInt8] {
        try await transport.readBytes(count, timeout: timeout)
    }
}
