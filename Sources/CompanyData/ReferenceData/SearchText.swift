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

    /// How a query word is found in a name, best first: as the beginning of a name word (as
    /// typed, or by its stem), or only inside one.
    enum WordMatch: Int, Comparable {
        case inside = 1
        case stemStart = 2
        case start = 3

        static func < (a: WordMatch, b: WordMatch) -> Bool { a.rawValue < b.rawValue }
    }

    /// Vowels and soft endings that inflection changes: «программное», «программного»,
    /// «программным» all begin «программн».
    private static let endingLetters: Set<Character> = ["а", "е", "и", "о", "у", "ы", "э", "ю", "я", "й", "ь"]

    /// A word without its inflectional ending, as far as a picker needs: a final «м» or «х»
    /// after a vowel, then at most two final vowels (or «й», «ь»), never shorter than four
    /// letters; words with digits as they are.
    static func stem(_ word: String) -> String {
        var letters = Array(word)
        guard letters.allSatisfy({ $0.isLetter }) else { return word }
        if letters.count > 4, let last = letters.last, last == "м" || last == "х", endingLetters.contains(letters[letters.count - 2]) {
            letters.removeLast()
        }
        var removed = 0
        while removed < 2, letters.count > 4, let last = letters.last, endingLetters.contains(last) {
            letters.removeLast()
            removed += 1
        }
        return String(letters)
    }

    /// The best match of a query word (with its stem) among a name's words, and the index of the
    /// first name word matched that well; nil when no word holds even the stem.
    static func bestMatch(_ word: String, stem: String, in words: [String]) -> (match: WordMatch, index: Int)? {
        var best: (match: WordMatch, index: Int)?
        for (index, nameWord) in words.enumerated() {
            let match: WordMatch
            if nameWord.hasPrefix(word) {
                match = .start
            } else if nameWord.hasPrefix(stem) {
                match = .stemStart
            } else if nameWord.contains(stem) {
                match = .inside
            } else {
                continue
            }
            if let current = best, current.match >= match { continue }
            best = (match, index)
            if match == .start { break }
        }
        return best
    }
}
