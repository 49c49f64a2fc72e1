import Foundation

/// A telephone number in E.164 (`+74951234567`): how every phone is stored, compared and
/// dialled, whatever way a registry, a web page or a person wrote it.
///
/// Registries and company sites write Russian numbers in a dozen layouts — `8 (495) 123-45-67`,
/// `+7 495 1234567`, `495-123-45-67`, `8-800-555-35-35 доб. 12` — and foreign ones with their
/// own grouping (`+44 20 7946 0958`, `+44 (0)20 7946 0958`). Reading is forgiving about layout
/// and strict about content:
///
/// - an extension (`доб. 123`, `доб 123`, `вн. 12`, `ext. 45`, `x45`, `#45`) is cut off: E.164
///   has no place for it, and the main line reaches the company anyway; so is a second number
///   after `,` or `;`;
/// - spaces, hyphens, dots, slashes and parentheses between digits are dropped; any other
///   character, a letter above all, makes the text no phone number (`тел. 123`, `+7 495 CALL-NOW`);
/// - with a leading `+` (or the international prefixes `00`, and `8 10` from Russia) the digits
///   are the full international number; `+7` and `+1` numbers must have exactly 11 digits,
///   others 8 to 15;
/// - without one, 11 digits starting with `8` or `7` are a Russian number with its trunk or
///   country prefix, and 10 digits are a national number in the default country (7: Russia
///   and Kazakhstan). Anything else without a `+` is ambiguous and refused;
/// - a Russian or Kazakh national number starts with 3–9: no area or mobile code starts with
///   0, 1 or 2, so such digits are a typo or an internal extension, not a phone.
///
/// Only the shape is checked: a number can be well formed and still not be in service.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `+` and 8 to 15 digits.
    public let e164: String

    /// Nil when the text is not a phone number by the rules above. `defaultCountryCode` is the
    /// country of a number written without one; only `7` reads national numbers without a
    /// trunk prefix, other codes strip one leading `0` (`020 7946 0958` with `44`).
    public init?(_ text: String, defaultCountryCode: String = "7") {
        guard let e164 = Self.normalized(text, defaultCountryCode: defaultCountryCode) else { return nil }
        self.e164 = e164
    }

    public var description: String { e164 }

    /// The digits after the `+`.
    public var digits: Substring { e164.dropFirst() }

    /// The shortest and longest international numbers accepted. E.164 allows up to 15 digits;
    /// the shortest numbers in service anywhere have 8 with their country code (a handful of
    /// island numbering plans have 7, which B2B prospecting in Russia never meets and which
    /// would let scraps like `+123456` through).
    public static let minimumDigits = 8
    public static let maximumDigits = 15

    // MARK: Reading

    private static func normalized(_ text: String, defaultCountryCode: String) -> String? {
        var body = withoutExtension(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { return nil }
        // `+44 (0)20 …`: the national trunk zero some people keep in parentheses after the country code.
        body = body.replacingOccurrences(of: "(0)", with: "")
        var digits = ""
        var hasPlus = false
        for character in body {
            if let ascii = character.asciiValue, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii) {
                digits.append(character)
            } else if character == "+" {
                // One plus, before every digit.
                guard !hasPlus, digits.isEmpty else { return nil }
                hasPlus = true
            } else if !separators.contains(character) {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }

        let international: String
        if hasPlus {
            international = digits
        } else if digits.hasPrefix("00") {
            international = String(digits.dropFirst(2))
        } else if digits.hasPrefix("810"), digits.count > 11 {
            // Russia's old international prefix: `8 10 44 20 7946 0958`. Eleven digits `810…`
            // are left to the national rule below, which refuses them (no code starts with 1).
            international = String(digits.dropFirst(3))
        } else if defaultCountryCode == "7" {
            switch digits.count {
            case 11 where digits.hasPrefix("8") || digits.hasPrefix("7"):
                international = "7" + String(digits.dropFirst())
            case 10:
                international = "7" + digits
            default:
                return nil
            }
        } else {
            guard !defaultCountryCode.isEmpty, defaultCountryCode.allSatisfy(\.isASCII), defaultCountryCode.allSatisfy(\.isNumber) else {
                return nil
            }
            let national = digits.hasPrefix("0") ? String(digits.dropFirst()) : digits
            international = defaultCountryCode + national
        }
        guard isPlausible(international) else { return nil }
        return "+" + international
    }

    /// Digits of a full international number (country code first) that E.164 and the
    /// numbering plans we know allow.
    private static func isPlausible(_ digits: String) -> Bool {
        guard (minimumDigits...maximumDigits).contains(digits.count), let first = digits.first, first != "0" else { return false }
        switch first {
        case "7":
            // Russia and Kazakhstan: 10 national digits, starting 3–9.
            guard digits.count == 11, let national = digits.dropFirst().first, national >= "3", national <= "9" else { return false }
            return true
        case "1":
            // The North American plan: 10 national digits.
            return digits.count == 11
        default:
            return true
        }
    }

    /// The text before the first extension marker (or a second number's separator). Markers
    /// are matched case-insensitively and only once a digit came before them, so a word at the
    /// start (`тел. 123`) stays and makes the text invalid.
    private static func withoutExtension(_ text: String) -> String {
        var cut = text.endIndex
        for marker in extensionMarkers {
            var searchStart = text.startIndex
            while searchStart < cut, let range = text.range(of: marker, options: .caseInsensitive, range: searchStart..<cut) {
                if text[text.startIndex..<range.lowerBound].contains(where: { $0.isASCII && $0.isNumber }) {
                    cut = range.lowerBound
                    break
                }
                searchStart = range.upperBound
            }
        }
        return String(text[text.startIndex..<cut])
    }

    /// `доб.` and `вн.` (добавочный, внутренний), `ext`, `x`, `#`; `,` and `;` start a second number.
    private static let extensionMarkers = ["доб", "вн.", "внутр", "ext", "x", "#", ",", ";"]

    /// Space, no-break spaces, hyphens and dashes, dot, slash, parentheses.
    private static let separators: Set<Character> = [
        " ", "\u{00A0}", "\u{202F}", "\t", "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", ".", "/", "(", ")",
    ]
}
