/// Mailbox names as IMAP writes them without `UTF8=ACCEPT` (RFC 3501 §5.1.3): printable ASCII
/// stands for itself except `&`, which is `&-`; anything else is UTF-16 in base64 with `,`
/// for `/`, no padding, between `&` and `-`. "Привет" is `&BB8EQAQ4BDIENQRC-`.
public enum ModifiedUTF7 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    public static func encode(_ name: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []

        func flushPending() {
            guard !pending.isEmpty else { return }
            output.append(UInt8(ascii: "&"))
            var bits: UInt32 = 0
            var bitCount = 0
            for unit in pending {
                bits = bits << 16 | UInt32(unit)
                bitCount += 16
                while bitCount >= 6 {
                    bitCount -= 6
                    output.append(alphabet[Int((bits >> UInt32(bitCount)) & 0x3F)])
                }
                bits &= (1 << UInt32(bitCount)) - 1
            }
            if bitCount > 0 { output.append(alphabet[Int((bits << UInt32(6 - bitCount)) & 0x3F)]) }
            output.append(UInt8(ascii: "-"))
            pending.removeAll()
        }

        for scalar in name.unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) {
                flushPending()
                output.append(UInt8(scalar.value))
                if scalar == "&" { output.append(UInt8(ascii: "-")) }
            } else {
                let value = scalar.value
                if value < 0x10000 {
                    pending.append(UInt16(value))
                } else {
                    let offset = value - 0x10000
                    pending.append(UInt16(0xD800 + (offset >> 10)))
                    pending.append(UInt16(0xDC00 + (offset & 0x3FF)))
                }
            }
        }
        flushPending()
        return String(decoding: output, as: UTF8.self)
    }

    /// `nil` when the bytes are not modified UTF-7 (8-bit bytes, a bad base64 run, an
    /// unterminated shift): the caller can then fall back to reading them as UTF-8, which is
    /// what some servers send regardless.
    public static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var scalars = String.UnicodeScalarView()
        var units: [UInt16] = []
        var bits: UInt32 = 0
        var bitCount = 0
        var shifted = false
        var shiftStartedHere = false

        for byte in bytes {
            if shifted {
                if byte == UInt8(ascii: "-") {
                    if shiftStartedHere {
                        scalars.append("&")
                    } else {
                        // Leftover bits are padding and must be zero (and fewer than 6).
                        guard bitCount < 6, bits == 0 else { return nil }
                        scalars.append(contentsOf: String(decoding: units, as: UTF16.self).unicodeScalars)
                    }
                    units.removeAll()
                    bits = 0
                    bitCount = 0
                    shifted = false
                    continue
                }
                guard let value = base64Value(byte) else { return nil }
                shiftStartedHere = false
                bits = bits << 6 | UInt32(value)
                bitCount += 6
                if bitCount >= 16 {
                    bitCount -= 16
                    units.append(UInt16(truncatingIfNeeded: bits >> UInt32(bitCount)))
                    bits &= (1 << UInt32(bitCount)) - 1
                }
                continue
            }
            guard (0x20...0x7E).contains(byte) else { return nil }
            if byte == UInt8(ascii: "&") {
                shifted = true
                shiftStartedHere = true
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return shifted ? nil : String(scalars)
    }

    /// A name from the server: UTF-8 under `UTF8=ACCEPT`, else modified UTF-7, falling back
    /// to UTF-8 for servers that send raw UTF-8 regardless.
    static func decodeName(_ bytes: [UInt8], namesAreUTF8: Bool) -> String {
        if !namesAreUTF8, let decoded = decode(bytes) { return decoded }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: ","): 63
        default: nil
        }
    }
}
