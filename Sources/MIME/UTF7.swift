/// UTF-7 (RFC 2152): ASCII as itself, everything else as `+` followed by modified base64 of
/// UTF-16 and an optional `-`. Never fails: broken shifts end where the base64 ends.
enum UTF7 {
    static func decode(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var units: [UInt16] = []
        var bits: UInt32 = 0
        var bitCount = 0
        var shifted = false
        var justShifted = false

        func flush() {
            scalars.append(contentsOf: String(decoding: units, as: UTF16.self).unicodeScalars)
            units.removeAll()
            bits = 0
            bitCount = 0
        }

        for byte in bytes {
            if shifted {
                if let value = base64Value(byte) {
                    bits = bits << 6 | UInt32(value)
                    bitCount += 6
                    if bitCount >= 16 {
                        bitCount -= 16
                        units.append(UInt16(truncatingIfNeeded: bits >> UInt32(bitCount)))
                        bits &= (1 << UInt32(bitCount)) - 1
                    }
                    justShifted = false
                    continue
                }
                let wasEmpty = justShifted
                shifted = false
                justShifted = false
                flush()
                if byte == UInt8(ascii: "-") {
                    if wasEmpty { scalars.append("+") }  // "+-" is a literal plus
                    continue
                }
            }
            if byte == UInt8(ascii: "+") {
                shifted = true
                justShifted = true
                continue
            }
            scalars.append(byte < 0x80 ? Unicode.Scalar(byte) : "\u{FFFD}")
        }
        if shifted { flush() }
        return String(scalars)
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
