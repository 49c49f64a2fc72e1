/// Decides how to read bytes whose charset is unknown or not to be trusted (raw 8-bit headers,
/// parts without a charset parameter). Valid UTF-8 wins; otherwise the Cyrillic single-byte set
/// under which the text reads most like Russian: lowercase letters dominate running text, while
/// a wrong guess turns them into capitals or box-drawing characters.
public enum CharsetGuess {
    static let cyrillicCandidates: [Charset] = [.windows1251, .koi8R, .cp866, .iso8859_5]

    public static func guess(_ bytes: some Collection<UInt8>) -> Charset {
        if ASCIIFastPath.isASCII(bytes: bytes) { return .usASCII }
        if isValidUTF8(bytes) { return .utf8 }
        var best = Charset.windows1251
        var bestScore = Int.min
        for candidate in cyrillicCandidates {
            let score = russianLikeness(bytes, in: candidate)
            if score > bestScore {
                best = candidate
                bestScore = score
            }
        }
        // Text that reads as Russian in none of them is most likely Western European.
        return bestScore > 0 ? best : .windows1252
    }

    /// Decodes with the guessed charset.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        guess(bytes).decode(bytes)
    }

    static func isValidUTF8(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// How Russian `bytes` read in the single-byte `charset`, scored on the table values
    /// without building a string: this runs four times for every part without a charset label.
    static func russianLikeness(_ bytes: some Collection<UInt8>, in charset: Charset) -> Int {
        let table = charset.upperHalf
        var score = 0
        var previous: UInt32 = 0x20
        var previousByte: UInt8 = 0x20
        for byte in bytes {
            defer { previousByte = byte }
            // An ASCII byte after an ASCII byte scores nothing in any charset: skip the lookup.
            if byte < 0x80, previousByte < 0x80 {
                previous = UInt32(byte)
                continue
            }
            let value = byte < 0x80 ? UInt32(byte) : table[Int(byte) - 0x80]
            score += likeness(value, after: previous)
            previous = value
        }
        return score
    }

    private static func likeness(_ value: UInt32, after previous: UInt32) -> Int {
        var score = 0
        switch value {
        case 0x0430...0x044F, 0x0451: score += 2      // а-я, ё
        case 0x0410...0x042F, 0x0401: break           // А-Я, Ё: fine at word starts
        case 0x2500...0x25FF: score -= 3              // box drawing: a wrong table
        case 0x80...0x9F, 0xFFFD: score -= 3          // C1 controls, undefined bytes
        case 0xA0...0xFF: score -= 1                  // Latin-1 letters in "Russian" text
        default: break
        }
        // Latin and Cyrillic letters inside one word ("Cafй") betray a wrong guess.
        if isCyrillicLetter(value) && isASCIILetter(previous) || isASCIILetter(value) && isCyrillicLetter(previous) { score -= 4 }
        return score
    }

    private static func isCyrillicLetter(_ value: UInt32) -> Bool {
        (0x0410...0x044F).contains(value) || value == 0x0401 || value == 0x0451
    }

    private static func isASCIILetter(_ value: UInt32) -> Bool {
        (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }
}
