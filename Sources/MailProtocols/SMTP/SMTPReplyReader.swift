/// Reads one reply, all its lines (`250-…` … `250 …`, RFC 5321 §4.2.1), off a transport.
enum SMTPReplyReader {
    /// More lines than any real EHLO reply: a server that never ends its reply is broken.
    static let maximumLines = 1000

    static func read(from transport: MailTransport, timeout: Duration? = nil) async throws -> SMTPReply {
        var code: Int?
        var texts: [String] = []
        while true {
            let bytes: [UInt8]
            do {
                bytes = try await transport.readLine(timeout: timeout)
            } catch let error as MailTransportError {
                throw SMTPError.transport(error)
            }
            guard let line = parse(bytes) else {
                throw SMTPError.protocolViolation("unreadable reply line \(printable(bytes))")
            }
            if let code, code != line.code {
                throw SMTPError.protocolViolation("reply lines with different codes \(code) and \(line.code)")
            }
            code = line.code
            texts.append(line.text)
            if line.isLast { return SMTPReply(code: line.code, lines: texts) }
            if texts.count >= maximumLines {
                throw SMTPError.protocolViolation("reply longer than \(maximumLines) lines")
            }
        }
    }

    /// `ddd` alone, or `ddd` followed by `-` (more lines follow) or a blank (last line) and text;
    /// the first digit 2 to 5. Nil for anything else.
    static func parse(_ bytes: [UInt8]) -> (code: Int, isLast: Bool, text: String)? {
        guard bytes.count >= 3,
              (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0]),
              bytes[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let code = bytes[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard bytes.count > 3 else { return (code, true, "") }
        let separator = bytes[3]
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { return nil }
        return (code, separator == UInt8(ascii: " "), String(decoding: bytes[4...], as: UTF8.self))
    }

    /// The start of a bad line for an error message, with control characters shown as `?`.
    static func printable(_ bytes: [UInt8]) -> String {
        let shown = bytes.prefix(120).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }
        return "\"" + String(decoding: shown, as: UTF8.self) + (bytes.count > 120 ? "…\"" : "\"")
    }
}
