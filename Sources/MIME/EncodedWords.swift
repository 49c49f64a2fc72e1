/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header values, decoded the way real mail
/// needs: adjacent words join without the whitespace between them; adjacent words in one
/// charset are joined as bytes before decoding, because mailers split UTF-8 characters across
/// words; unknown charsets and raw 8-bit bytes are guessed rather than dropped; broken words stay
/// as literal text. Runs in linear time.
public enum EncodedWords {
    public static func decode(_ raw: some Collection<UInt8>) -> (text: String, defects: [MIMEDefect]) {
        let bytes = Array(raw)
        if let plain = withoutWords(bytes) { return plain }
        var output = ""
        var defects: [MIMEDefect] = []
        var literal: [UInt8] = []
        // Bytes of the current run of encoded words in one charset, not yet decoded.
        var pending: (charset: Charset?, label: String, bytes: [UInt8])?
        var whitespaceAfterWord: [UInt8] = []
        var index = 0

        func flushPending() {
            guard let run = pending else { return }
            if let charset = run.charset {
                output += charset.decode(run.bytes)
            } else {
                defects.append(.unknownCharset(run.label))
                output += CharsetGuess.decode(run.bytes)
            }
            pending = nil
        }
        func flushLiteral() {
            guard !literal.isEmpty else { return }
            if !literal.allSatisfy({ $0 < 0x80 }) { defects.append(.rawEightBitHeader) }
            output += CharsetGuess.decode(literal)
            literal.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
               let word = parseWord(bytes, from: index) {
                // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
                if pending == nil {
                    literal += whitespaceAfterWord
                }
                whitespaceAfterWord = []
                flushLiteral()
                let charset = Charset(label: word.charsetLabel)
                if let run = pending, run.charset != charset || run.label.lowercased() != word.charsetLabel.lowercased() {
                    flushPending()
                }
                let decoded = word.encoding == "B" ? Base64Tolerant.decode(word.payload) : QuotedPrintable.decodeHeaderWord(word.payload)
                if decoded.sawGarbage { defects.append(.malformedEncodedWord) }
                if pending == nil { pending = (charset, word.charsetLabel, []) }
                pending!.bytes += decoded.bytes
                index = word.end
                continue
            }
            let byte = bytes[index]
            if pending != nil {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    whitespaceAfterWord.append(byte)
                    index += 1
                    continue
                }
                flushPending()
                literal += whitespaceAfterWord
                whitespaceAfterWord = []
            }
            literal.append(byte)
            index += 1
        }
        flushPending()
        literal += whitespaceAfterWord
        flushLiteral()
        return (output, defects)
    }

    /// The reading of a value in which no encoded word can start (no "=?" anywhere), which is
    /// most header values: what the loop in ``decode(_:)`` makes of it, one literal run, without
    /// the loop. `nil` when there may be words to decode.
    static func withoutWords(_ bytes: [UInt8]) -> (text: String, defects: [MIMEDefect])? {
        var eightBit = false
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return nil }
            if byte >= 0x80 { eightBit = true }
            previous = byte
        }
        // ASCII is read as ASCII by the guess too; 8-bit bytes are guessed and noted.
        guard eightBit else { return (String(decoding: bytes, as: UTF8.self), []) }
        return (CharsetGuess.decode(bytes), [.rawEightBitHeader])
    }

    static let maximumPayload = 2_000

    struct Word {
        let charsetLabel: String
        let encoding: Character
        let payload: ArraySlice<UInt8>
        let end: Int
    }

    /// Parses `=?charset?X?payload?=` starting at `start`; `nil` if it is not a complete word.
    /// Words longer than the RFC's 75 characters are accepted (many mailers exceed it), up to
    /// ``maximumPayload``: the bound keeps a header full of unterminated openers linear.
    static func parseWord(_ bytes: [UInt8], from start: Int) -> Word? {
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "?") {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F, index - charsetStart < 40 else { return nil }
            index += 1
        }
        guard index + 2 < bytes.count, index > charsetStart, bytes[index + 2] == UInt8(ascii: "?") else { return nil }
        let label = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        let encoding = Character(Unicode.Scalar(bytes[index + 1])).uppercased().first!
        guard encoding == "B" || encoding == "Q" else { return nil }
        let payloadStart = index + 3
        var cursor = payloadStart
        while cursor + 1 < bytes.count, cursor - payloadStart <= maximumPayload {
            if bytes[cursor] == UInt8(ascii: "?"), bytes[cursor + 1] == UInt8(ascii: "=") {
                return Word(charsetLabel: label, encoding: encoding, payload: bytes[payloadStart..<cursor], end: cursor + 2)
            }
            // An encoded word never spans a line break or a space.
            if bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\r") || bytes[cursor] == UInt8(ascii: "\n") { return nil }
            cursor += 1
        }
        return nil
    }
}
