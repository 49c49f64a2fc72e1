/// HTML escaping of every value a page shows: `<`, `>`, `&`, `"` and `'`, the five Mustache
/// escapes, done on bytes.
///
/// It returns the string untouched when no byte needs escaping, the common case: building a new
/// string for every value (swift-mustache's escaper looked each character up in a dictionary)
/// was a quarter of the client list's CPU time.
enum HTMLEscape {
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscaping) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes += [0x26, 0x61, 0x6D, 0x70, 0x3B]  // &amp;
            case UInt8(ascii: "<"): bytes += [0x26, 0x6C, 0x74, 0x3B]  // &lt;
            case UInt8(ascii: ">"): bytes += [0x26, 0x67, 0x74, 0x3B]  // &gt;
            case UInt8(ascii: "\""): bytes += [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B]  // &quot;
            case UInt8(ascii: "'"): bytes += [0x26, 0x23, 0x33, 0x39, 0x3B]  // &#39;
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}
