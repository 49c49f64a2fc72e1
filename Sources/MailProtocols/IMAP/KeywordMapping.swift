/// Turns a label name (a tenant's category, in any script) into an IMAP keyword, for servers
/// that have keywords instead of Gmail labels.
///
/// Keywords are ASCII atoms: no spaces, controls or `(){%*"\]`, and Dovecot and others treat
/// them case-insensitively. The rule, which never changes because keywords already written into
/// mailboxes depend on it:
///
/// 1. A name made only of ASCII letters, digits, `_`, `-` and `.` (at most 40 of them) is its
///    own keyword: `Lead` → `Lead`, so a keyword set by hand in Thunderbird keeps matching.
/// 2. Any other name is transliterated — Cyrillic by a GOST 7.79-like table without apostrophes
///    (`ж` → `zh`, `щ` → `shh`, `ы` → `y`; `ъ`, `ь` are dropped), every other run of characters
///    becomes one `_` — cut to 40 characters, and followed by `-` and five base-32 characters of
///    a hash of the original name: `Горячий лид` → `Goryachij_lid-xxxxx`.
///
/// The suffix is added whenever anything was changed, not only when two names actually collide:
/// the mapping has to be a function of the name alone (two processes, or a restart, must pick
/// the same keyword without shared state), and "Lid" typed in Latin and "Лид" in Cyrillic must
/// not share a keyword. To find a label from a keyword, map the known label names and compare.
public enum KeywordMapping {
    static let longestBody = 40

    public static func keyword(for label: String) -> String {
        if isPlainKeyword(label) { return label }
        var body = ""
        var pendingSeparator = false
        for character in label {
            let latin: String
            if let transliterated = transliteration(of: character) {
                latin = transliterated
            } else if let ascii = character.asciiValue, isPlainByte(ascii), ascii != UInt8(ascii: "_") {
                latin = String(character)
            } else {
                latin = ""
            }
            if latin.isEmpty {
                // Dropped letters (ъ, ь) join their neighbours; everything else separates words.
                if !isSilentLetter(character) { pendingSeparator = true }
                continue
            }
            if pendingSeparator, !body.isEmpty { body.append("_") }
            pendingSeparator = false
            body.append(latin)
        }
        if body.count > longestBody { body = String(body.prefix(longestBody)) }
        while body.hasSuffix("-") || body.hasSuffix(".") { body.removeLast() }
        if body.isEmpty { body = "label" }
        return "\(body)-\(hashSuffix(of: label))"
    }

    /// Whether a string can be sent as a keyword as it is (the check STORE makes before
    /// sending a keyword the caller built itself).
    public static func isValidKeyword(_ keyword: String) -> Bool {
        guard !keyword.isEmpty, !keyword.hasPrefix("\\") else { return false }
        return keyword.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !"(){%*\"\\]".utf8.contains(byte)
        }
    }

    private static func isPlainKeyword(_ label: String) -> Bool {
        !label.isEmpty && label.utf8.count <= longestBody && label.utf8.allSatisfy(isPlainByte)
    }

    private static func isPlainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    private static func isSilentLetter(_ character: Character) -> Bool {
        "ъьЪЬ".contains(character)
    }

    /// Lower-case table; an upper-case letter becomes its transliteration capitalised.
    /// Ukrainian and Belarusian letters are included because Russian companies use them too.
    private static let cyrillic: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "cz",
        "ч": "ch", "ш": "sh", "щ": "shh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    ]

    private static func transliteration(of character: Character) -> String? {
        if let latin = cyrillic[character] { return latin }
        guard let lower = lowercase(character), lower != character, let latin = cyrillic[lower] else { return nil }
        return latin.prefix(1).uppercased() + latin.dropFirst()
    }

    /// `nil` when lower-casing does not give exactly one character (so nothing can trap).
    private static func lowercase(_ character: Character) -> Character? {
        let lowered = character.lowercased()
        return lowered.count == 1 ? lowered.first : nil
    }

    /// FNV-1a over the name's scalars, with the Cyrillic letters in their composed form so a
    /// decomposed `й` (и + U+0306) hashes like a composed one.
    private static func hashSuffix(of label: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        func mix(_ scalar: Unicode.Scalar) {
            var value = scalar.value
            for _ in 0..<4 {
                hash ^= value & 0xFF
                hash = hash &* 0x0100_0193
                value >>= 8
            }
        }
        for character in label {
            if let lower = lowercase(character), let index = cyrillic.index(forKey: lower) {
                let composed = cyrillic[index].key
                let canonical = character == composed ? String(composed) : composed.uppercased()
                canonical.unicodeScalars.forEach(mix)
            } else {
                character.unicodeScalars.forEach(mix)
            }
        }
        let digits = Array("abcdefghijklmnopqrstuvwxyz234567")
        var suffix = ""
        for shift in stride(from: 20, through: 0, by: -5) {
            suffix.append(digits[Int((hash >> UInt32(shift)) & 0x1F)])
        }
        return suffix
    }
}
