/// Quoted-printable decoding (RFC 2045 §6.7), and its header-word variant (RFC 2047 §4.2),
/// tolerant of lower-case hex and stray `=` signs, which are kept as they are.
public enum QuotedPrintable {
    public static func decode(_ input: some Collection<UInt8>) -> (bytes: [UInt8], sawGarbage: Bool) {
        decode(Array(input), underscoreIsSpace: false)
    }

    static func decodeHeaderWord(_ input: some Collection<UInt8>) -> (bytes: [UInt8], sawGarbage: Bool) {
        decode(Array(input), underscoreIsSpace: true)
    }

    private static func decode(_ bytes: [UInt8], underscoreIsSpace: Bool) -> (bytes: [UInt8], sawGarbage: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var sawGarbage = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? 0x20 : byte)
                index += 1
                continue
            }
            // Soft line break: "=" then optional trailing blanks then CRLF or LF (or the end).
            var cursor = index + 1
            while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
            if cursor == bytes.count { index = cursor; continue }
            if bytes[cursor] == 0x0A { index = cursor + 1; continue }
            if cursor + 1 < bytes.count, bytes[cursor] == 0x0D, bytes[cursor + 1] == 0x0A { index = cursor + 2; continue }
            if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
                continue
            }
            // "=" not followed by hex: keep it literally, as readers of such mail expect.
            sawGarbage = true
            output.append(byte)
            index += 1
        }
        return (output, sawGarbage)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
