import Foundation

/// Text as the reference searches compare it: lower case, «ё» read as «е» (names are spelt both
/// ways), cut into words of letters and digits.
enum SearchText {
    static func normalized(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    static func words(_ text: String) -> [String] {
        normalized(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// Every query word is the beginning of some word of the name.
    static func allPrefixMatch(_ query: [String], in words: [String]) -> Bool {
        query.allSatisfy { part in words.contains { $0.hasPrefix(part) } }
    }

    /// How many query words are whole words of the name.
    static func wholeWordMatches(_ query: [String], in words: [String]) -> Int {
        query.reduce(0) { $0 + (words.contains($1) ? 1 : 0) }
    }
}
