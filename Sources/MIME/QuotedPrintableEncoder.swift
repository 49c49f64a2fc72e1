/// Quoted-printable bodies (RFC 2045 §6.7) for text that is mostly ASCII but may not travel as
/// 7bit or 8bit. The input's CRLFs stay hard line breaks; a lone CR or LF is escaped so it
/// survives transports that rewrite line ends; blanks before a line end are escaped because
/// gateways strip them; longer lines get soft breaks so no encoded line passes 76 characters.
enum QuotedPrintableEncoder {
    static let maximumLineLength = 76

    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 8)
        var lineStart = 0
        while lineStart <= input.count {
            var lineEnd = lineStart
            while lineEnd < input.count, !(input[lineEnd] == 0x0D && lineEnd + 1 < input.count && input[lineEnd + 1] == 0x0A) {
                lineEnd += 1
            }
            appendLine(input[lineStart..<lineEnd], to: &output)
            guard lineEnd < input.count else { break }
            output += [0x0D, 0x0A]
            lineStart = lineEnd + 2
        }
        return output
    }

    /// One line without its CRLF: each byte becomes itself or `=XX`, and a soft break (`=` CRLF)
    /// comes before a piece that would pass the limit. The last piece need not leave room for
    /// the `=` of a soft break, since the line ends there.
    private static func appendLine(_ line: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var length = 0
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.index(before: line.endIndex)
            let piece: [UInt8] = isLiteral(byte, atLineEnd: isLast) ? [byte] : escaped(byte)
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if length + piece.count > limit {
                output += [UInt8(ascii: "="), 0x0D, 0x0A]
                length = 0
            }
            output += piece
            length += piece.count
        }
    }

    private static func isLiteral(_ byte: UInt8, atLineEnd: Bool) -> Bool {
        switch byte {
        case 0x20, 0x09: !atLineEnd
        case UInt8(ascii: "="): false
        case 0x21...0x7E: true
        default: false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
    }
}
