/// The character sets we decode. Russian mail still arrives in KOI8-R, windows-1251 and CP866
/// next to UTF-8, often mislabelled; single-byte sets are decoded from our own tables (see
/// `scripts/data/make-charset-tables.py`) so the result never depends on what Foundation on a
/// given platform happens to support.
public enum Charset: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case usASCII = "us-ascii"
    case koi8R = "koi8-r"
    case koi8U = "koi8-u"
    case windows1251 = "windows-1251"
    case cp866 = "cp866"
    case iso8859_5 = "iso-8859-5"
    case windows1252 = "windows-1252"
    case iso8859_1 = "iso-8859-1"
    case iso8859_15 = "iso-8859-15"
    case windows1250 = "windows-1250"
    case iso8859_2 = "iso-8859-2"
    /// RFC 2152; old Outlook Express and some webmail wrote headers in it.
    case utf7 = "utf-7"

    /// Looks a label up the way mail clients write it: any case, with or without dashes and
    /// underscores, with the common aliases. `nil` for a charset we do not know.
    public init?(label: some StringProtocol) {
        guard let charset = Self.aliases[Self.key(label)] else { return nil }
        self = charset
    }

    /// The label lower-cased, without dashes, underscores, spaces and quotes, cut at a "*".
    /// An ASCII label (every real one) is read byte by byte, the same as character by character.
    static func key(_ label: some StringProtocol) -> String {
        guard ASCIIFastPath.isASCII(label) else {
            var key = label.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " && $0 != "\"" }
            // RFC 2231 lets a language ride along: "koi8-r*ru".
            if let star = key.firstIndex(of: "*") { key = String(key[..<star]) }
            return key
        }
        return String(unsafeUninitializedCapacity: label.utf8.count) { buffer in
            var count = 0
            for byte in label.utf8 {
                if byte == UInt8(ascii: "*") { break }
                if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\"") { continue }
                buffer[count] = ASCIIFastPath.lowercased(byte)
                count += 1
            }
            return count
        }
    }

    private static let aliases: [String: Charset] = [
        "utf8": .utf8, "unicode11utf8": .utf8, "xunicode20utf8": .utf8,
        "usascii": .usASCII, "ascii": .usASCII, "ansix3.41968": .usASCII, "646": .usASCII,
        "koi8r": .koi8R, "koi8": .koi8R, "cskoi8r": .koi8R,
        "koi8u": .koi8U, "koi8ru": .koi8U,
        "windows1251": .windows1251, "cp1251": .windows1251, "xcp1251": .windows1251, "win1251": .windows1251, "mscyrl": .windows1251,
        "cp866": .cp866, "ibm866": .cp866, "866": .cp866, "csibm866": .cp866, "dos866": .cp866,
        "iso88595": .iso8859_5, "cyrillic": .iso8859_5, "isoir144": .iso8859_5,
        "windows1252": .windows1252, "cp1252": .windows1252, "xcp1252": .windows1252,
        "iso88591": .iso8859_1, "latin1": .iso8859_1, "l1": .iso8859_1, "isoir100": .iso8859_1, "cp819": .iso8859_1,
        "iso885915": .iso8859_15, "latin9": .iso8859_15,
        "windows1250": .windows1250, "cp1250": .windows1250,
        "iso88592": .iso8859_2, "latin2": .iso8859_2,
        "utf7": .utf7, "unicode11utf7": .utf7,
    ]

    /// Decodes bytes; never fails: malformed sequences become U+FFFD.
    ///
    /// Single-byte sets are written straight into UTF-8 bytes: appending scalar by scalar to a
    /// `String` cost more than the rest of a parse.
    public func decode(_ bytes: some Collection<UInt8>) -> String {
        if self == .utf7 { return UTF7.decode(bytes) }
        if self == .utf8 || ASCIIFastPath.isASCII(bytes: bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Declared ASCII with 8-bit bytes in it is Latin-1 in practice.
        let table = self == .usASCII ? SingleByteCharsetTables.iso8859_1 : upperHalf
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            let value = table[Int(byte) - 0x80]
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            switch scalar.value {
            case 0..<0x80:
                output.append(UInt8(scalar.value))
            case 0x80..<0x800:
                output.append(UInt8(0xC0 | scalar.value >> 6))
                output.append(UInt8(0x80 | scalar.value & 0x3F))
            default:
                output.append(UInt8(0xE0 | scalar.value >> 12))
                output.append(UInt8(0x80 | scalar.value >> 6 & 0x3F))
                output.append(UInt8(0x80 | scalar.value & 0x3F))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The Unicode scalar value of one byte in this single-byte set (UTF-8 bytes ≥ 0x80 map to
    /// U+FFFD here; callers use this for the single-byte sets only).
    func scalarValue(of byte: UInt8) -> UInt32 {
        byte < 0x80 ? UInt32(byte) : upperHalf[Int(byte) - 0x80]
    }

    var upperHalf: [UInt32] {
        switch self {
        case .koi8R: SingleByteCharsetTables.koi8R
        case .koi8U: SingleByteCharsetTables.koi8U
        case .windows1251: SingleByteCharsetTables.windows1251
        case .cp866: SingleByteCharsetTables.cp866
        case .iso8859_5: SingleByteCharsetTables.iso8859_5
        case .windows1252: SingleByteCharsetTables.windows1252
        case .iso8859_15: SingleByteCharsetTables.iso8859_15
        case .windows1250: SingleByteCharsetTables.windows1250
        case .iso8859_2: SingleByteCharsetTables.iso8859_2
        case .utf8, .usASCII, .iso8859_1, .utf7: SingleByteCharsetTables.iso8859_1
        }
    }
}
