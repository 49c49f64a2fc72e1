import Foundation

/// A Russian registration number whose check digits add up: an INN (taxpayer number) of a legal
/// entity (10 digits) or of a person or sole proprietor (12), an OGRN (13, legal entities) or an
/// OGRNIP (15, sole proprietors). The kind follows from the length alone.
///
/// Parsing is forgiving about layout and strict about content: surrounding whitespace is
/// trimmed and spaces (ordinary or non-breaking) and hyphens between digits are dropped, since
/// people paste numbers as `77 07 083893` or `1027700-132195`; any other character, letters
/// included, makes the text invalid. `digits` is the number as stored and compared.
///
/// Only the published check-digit rules are applied (see `Kind`); a number can pass them and still
/// belong to no one, which only a registry lookup can tell.
public struct RussianCompanyNumber: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// INN of a legal entity: weights (2,4,10,3,5,9,4,6,8) on digits 1–9, Σ mod 11 mod 10 = digit 10.
        case inn10
        /// INN of a person or sole proprietor: digit 11 from weights (7,2,4,10,3,5,9,4,6,8) on
        /// digits 1–10, digit 12 from (3,7,2,4,10,3,5,9,4,6,8) on digits 1–11, each Σ mod 11 mod 10.
        case inn12
        /// OGRN of a legal entity: the first 12 digits as a number, mod 11, mod 10 = digit 13.
        case ogrn
        /// OGRNIP of a sole proprietor: the first 14 digits as a number, mod 13, mod 10 = digit 15.
        case ogrnip

        public var length: Int {
            switch self {
            case .inn10: 10
            case .inn12: 12
            case .ogrn: 13
            case .ogrnip: 15
            }
        }

        public init?(length: Int) {
            guard let kind = Self.allCases.first(where: { $0.length == length }) else { return nil }
            self = kind
        }

        public var isTaxpayerNumber: Bool { self == .inn10 || self == .inn12 }

        public var isRegistrationNumber: Bool { !isTaxpayerNumber }

        public var englishName: String {
            switch self {
            case .inn10: "INN (legal entity)"
            case .inn12: "INN (individual or sole proprietor)"
            case .ogrn: "OGRN"
            case .ogrnip: "OGRNIP"
            }
        }

        public var russianName: String {
            switch self {
            case .inn10: "ИНН юрлица"
            case .inn12: "ИНН физлица или ИП"
            case .ogrn: "ОГРН"
            case .ogrnip: "ОГРНИП"
            }
        }
    }

    /// Why a text is not a valid number.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing but whitespace and separators.
        case empty
        /// A character that is neither an ASCII digit nor an allowed separator.
        case invalidCharacter(Character)
        /// A digit count that no kind has.
        case wrongLength(Int)
        /// The check digits computed from the others differ from the ones given.
        case checksumMismatch(kind: Kind, expected: String, found: String)

        public var description: String {
            switch self {
            case .empty:
                "no digits"
            case .invalidCharacter(let character):
                "\"\(character)\" is not a digit"
            case .wrongLength(let count):
                "\(count) digit\(count == 1 ? "" : "s"); an INN has 10 or 12, an OGRN 13, an OGRNIP 15"
            case .checksumMismatch(let kind, let expected, let found):
                "the check digit\(kind == .inn12 ? "s" : "") should be \(expected), not \(found)"
            }
        }

        /// A stable word for machine-readable output.
        public var code: String {
            switch self {
            case .empty: "empty"
            case .invalidCharacter: "invalid_character"
            case .wrongLength: "wrong_length"
            case .checksumMismatch: "checksum_mismatch"
            }
        }
    }

    public let kind: Kind
    /// ASCII digits only, `kind.length` of them.
    public let digits: String

    /// Throws the first problem found: characters, then length, then check digits.
    public init(_ text: String) throws(Problem) {
        let digits = try Self.normalizedDigits(text)
        guard let kind = Kind(length: digits.count) else { throw .wrongLength(digits.count) }
        let values = digits.utf8.map { Int($0 - UInt8(ascii: "0")) }
        let checkCount = kind == .inn12 ? 2 : 1
        let expected = Self.checkDigits(kind: kind, leading: values.dropLast(checkCount))
        let found = Array(values.suffix(checkCount))
        guard expected == found else {
            throw .checksumMismatch(kind: kind, expected: expected.map(String.init).joined(), found: found.map(String.init).joined())
        }
        self.kind = kind
        self.digits = digits
    }

    /// `init` as a `Result`, for callers that report rather than throw.
    public static func parse(_ text: String) -> Result<RussianCompanyNumber, Problem> {
        Result { () throws(Problem) -> RussianCompanyNumber in try RussianCompanyNumber(text) }
    }

    public var description: String { digits }

    /// The valid number of `kind` that starts with `leading` (every digit but the check digits),
    /// or nil when `leading` is not that many ASCII digits. Demo data and load tests use it to
    /// make as many distinct valid numbers as they need.
    public static func completing(_ leading: String, as kind: Kind) -> RussianCompanyNumber? {
        let checkCount = kind == .inn12 ? 2 : 1
        guard leading.utf8.count == kind.length - checkCount, leading.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let values = leading.utf8.map { Int($0 - UInt8(ascii: "0")) }
        let check = checkDigits(kind: kind, leading: values[...])
        return try? RussianCompanyNumber(leading + check.map(String.init).joined())
    }

    /// The text without separators: ASCII digits only, or the first offending character.
    public static func normalizedDigits(_ text: String) throws(Problem) -> String {
        var digits = ""
        for character in text.trimmingCharacters(in: .whitespacesAndNewlines) {
            if let ascii = character.asciiValue, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii) {
                digits.append(character)
            } else if !Self.separators.contains(character) {
                throw .invalidCharacter(character)
            }
        }
        guard !digits.isEmpty else { throw .empty }
        return digits
    }

    /// Space, no-break space, narrow no-break space, hyphen-minus and the Unicode hyphens people
    /// paste from documents.
    private static let separators: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "-", "\u{2010}", "\u{2011}"]

    /// The check digits a number of `kind` must end with, computed from the digits before them.
    static func checkDigits(kind: Kind, leading: ArraySlice<Int>) -> [Int] {
        let leading = Array(leading)
        switch kind {
        case .inn10:
            return [weightedCheck(leading, weights: [2, 4, 10, 3, 5, 9, 4, 6, 8])]
        case .inn12:
            let eleventh = weightedCheck(leading, weights: [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
            let twelfth = weightedCheck(leading + [eleventh], weights: [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
            return [eleventh, twelfth]
        case .ogrn:
            return [remainder(of: leading, modulo: 11) % 10]
        case .ogrnip:
            // Mod 13 first: remainders 10–12 give check digits 0–2 (some validators wrongly
            // reject those numbers).
            return [remainder(of: leading, modulo: 13) % 10]
        }
    }

    private static func weightedCheck(_ digits: [Int], weights: [Int]) -> Int {
        zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
    }

    /// The digits read as one decimal number, modulo `modulus`, without overflowing: 14 digits
    /// would fit an Int64, but the running remainder keeps this independent of length.
    private static func remainder(of digits: [Int], modulo modulus: Int) -> Int {
        digits.reduce(0) { ($0 * 10 + $1) % modulus }
    }
}

extension RussianCompanyNumber: Codable {
    /// Encoded as the digits alone; decoding validates them again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch Self.parse(text) {
        case .success(let number):
            self = number
        case .failure(let problem):
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a valid INN, OGRN or OGRNIP: \(problem)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
