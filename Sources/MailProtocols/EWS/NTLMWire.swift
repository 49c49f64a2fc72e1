/// Little-endian integers and UTF-16LE strings, the way every NTLM structure is laid out
/// (MS-NLMP §2.2). Reads return nil past the end, so a short or hostile message cannot trap.
enum NTLMWire {
    static func uint16(in bytes: [UInt8], at offset: Int) -> UInt16? {
        unsigned(in: bytes, at: offset, width: 2).map { UInt16(truncatingIfNeeded: $0) }
    }

    static func uint32(in bytes: [UInt8], at offset: Int) -> UInt32? {
        unsigned(in: bytes, at: offset, width: 4).map { UInt32(truncatingIfNeeded: $0) }
    }

    static func uint64(in bytes: [UInt8], at offset: Int) -> UInt64? {
        unsigned(in: bytes, at: offset, width: 8)
    }

    static func slice(of bytes: [UInt8], at offset: Int, length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else { return nil }
        return Array(bytes[offset..<(offset + length)])
    }

    private static func unsigned(in bytes: [UInt8], at offset: Int, width: Int) -> UInt64? {
        guard let field = slice(of: bytes, at: offset, length: width) else { return nil }
        var value: UInt64 = 0
        for (index, byte) in field.enumerated() { value |= UInt64(byte) << UInt64(index * 8) }
        return value
    }

    static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func utf16LittleEndian(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf16.count * 2)
        for unit in text.utf16 { append(unit, to: &bytes) }
        return bytes
    }

    /// An odd trailing byte is dropped and unpaired surrogates become U+FFFD: names from a
    /// server are shown, never trusted.
    static func string(fromUTF16LittleEndian bytes: [UInt8]) -> String {
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        return String(decoding: units, as: UTF16.self)
    }
}
