/// What MD4 (RFC 1320 §3.1–3.2) and MD5 (RFC 1321 §3.1–3.2) share: the message padded with one
/// 1 bit, zeros, and its bit length as a little-endian 64-bit number to a multiple of 64 bytes,
/// read as little-endian 32-bit words, sixteen to a block.
enum MDBlockPadding {
    static func blocks(of message: [UInt8]) -> [[UInt32]] {
        var padded = message
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        let bitLength = UInt64(truncatingIfNeeded: message.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        return stride(from: 0, to: padded.count, by: 64).map { start in
            (0..<16).map { word in
                var value: UInt32 = 0
                for byte in 0..<4 { value |= UInt32(padded[start + word * 4 + byte]) << UInt32(byte * 8) }
                return value
            }
        }
    }

    static func littleEndianBytes(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32($0 * 8)) } }
    }

    static func rotateLeft(_ value: UInt32, by count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }
}
