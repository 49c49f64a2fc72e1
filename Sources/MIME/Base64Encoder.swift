/// Base64 (RFC 4648 alphabet, padded) for what we send: unbroken for encoded words, and in
/// 76-character CRLF lines for bodies (RFC 2045 §6.8), so no line comes near the 998 limit.
enum Base64Encoder {
    static let bodyLineLength = 76

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let first = UInt32(input[index])
            let second = remaining > 1 ? UInt32(input[index + 1]) : 0
            let third = remaining > 2 ? UInt32(input[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return output
    }

    /// Body form: every line, the last one included, ends in CRLF; no input gives no lines.
    static func encodeLines(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let encoded = encode(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + encoded.count / bodyLineLength * 2 + 2)
        var start = 0
        while start < encoded.count {
            let end = min(start + bodyLineLength, encoded.count)
            output += encoded[start..<end]
            output += [0x0D, 0x0A]
            start = end
        }
        return output
    }
}
