/// Turns a message into what follows DATA's 354 (RFC 5321 §4.5.2): CRLF line ends, a dot
/// doubled at the start of every line, a final CRLF when missing, then the `.` line.
///
/// Bare CR and bare LF become CRLF: servers disagree on what a bare LF means, and that
/// disagreement is what "SMTP smuggling" uses to end the data early and slip a second message
/// through; with CRLF everywhere every server reads the same lines.
enum SMTPDataEncoder {
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    /// One pass, one allocation: runs of ordinary bytes are copied in bulk.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 5)
        var atLineStart = true
        message.withUnsafeBufferPointer { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == cr || byte == lf {
                    output.append(contentsOf: bytes[runStart..<index])
                    output.append(cr)
                    output.append(lf)
                    // A CR directly followed by LF is one line end, not two.
                    index += byte == cr && index + 1 < bytes.count && bytes[index + 1] == lf ? 2 : 1
                    runStart = index
                    atLineStart = true
                } else {
                    if byte == dot && atLineStart {
                        output.append(contentsOf: bytes[runStart..<index])
                        output.append(dot)
                        // The original dot starts the next run.
                        runStart = index
                    }
                    atLineStart = false
                    index += 1
                }
            }
            output.append(contentsOf: bytes[runStart..<bytes.count])
        }
        if !atLineStart {
            output.append(cr)
            output.append(lf)
        }
        output.append(contentsOf: [dot, cr, lf])
        return output
    }

    /// Whether the message needs `BODY=8BITMIME`.
    static func hasEightBitBytes(_ message: [UInt8]) -> Bool {
        message.contains { $0 >= 0x80 }
    }
}
