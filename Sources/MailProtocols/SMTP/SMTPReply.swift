/// A server's reply: the three-digit code, the RFC 3463 enhanced status code when the first line
/// carries one (`5.7.8`), and the text of every line after the code.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// `class.subject.detail`, e.g. `5.1.1`; nil when the server sent none.
    public var enhancedStatus: String?
    /// The text after `ddd-` / `ddd ` on each line, enhanced status code included.
    public var lines: [String]

    public init(code: Int, enhancedStatus: String?, lines: [String]) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.lines = lines
    }

    /// Reads the enhanced status code from the first line's text.
    public init(code: Int, lines: [String]) {
        self.init(code: code, enhancedStatus: Self.enhancedStatus(in: lines.first ?? "", code: code), lines: lines)
    }

    /// 2xx: the command did what was asked.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 4xx: try again later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5xx: the same command will fail again.
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    /// The human-readable text, lines joined, without the repeated enhanced status codes.
    public var text: String {
        lines.map { line in
            guard let status = enhancedStatus, line.hasPrefix(status) else { return line }
            return String(line.dropFirst(status.count).drop(while: { $0 == " " }))
        }.joined(separator: " ")
    }

    public var description: String {
        ([String(code), enhancedStatus].compactMap { $0 } + [text]).joined(separator: " ")
    }

    /// `d.d{1,3}.d{1,3}` at the start of `text`, followed by a blank or the end, whose class
    /// (2, 4 or 5) matches the reply code's first digit (RFC 3463 §2, RFC 2034 §4).
    static func enhancedStatus(in text: String, code: Int) -> String? {
        let candidate = text.prefix { $0 != " " }
        let parts = candidate.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts[0] == String(code / 100), ["2", "4", "5"].contains(parts[0]),
              parts[1...].allSatisfy({ part in (1...3).contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return String(candidate)
    }
}
