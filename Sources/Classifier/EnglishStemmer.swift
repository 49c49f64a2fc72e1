/// A light English stemmer, Porter-like, written for this project. Words come lower-cased and
/// ASCII-only (see `Tokenizer.stem`).
///
/// Why light: the classifier only needs inflections of one word to meet ("invoice", "invoices",
/// "invoiced", "invoicing" → "invoic"); a full Porter stemmer's extra steps change little for a
/// bag of words and cost clarity. Steps, each at most once:
/// 1. plurals and the third person: "-sses" → "-ss", "-ies" → "-y", a lone "-s" goes (not after
///    "s", "u" or "i": "class", "status", "analysis");
/// 2. "-eed" → "-ee"; else "-ing" or "-ed" goes when at least three letters with a vowel remain
///    ("need", "bring" stay), and a doubled final consonant is undoubled ("stopped" → "stop");
/// 3. one derivational suffix from a short list ("-ational" → "-ate", "-ness", "-ment"…);
/// 4. a final "y" after a consonant becomes "i" ("company"/"companies" meet as "compani"), and a
///    final "e" goes ("hope"/"hoping" meet as "hop").
/// Words of three letters or fewer are left alone.
public enum EnglishStemmer {
    public static func stem(_ word: String) -> String {
        var letters = [Unicode.Scalar](scalarsOf: word)
        guard letters.count > 3 else { return word }

        if letters.hasSuffix(sses) {
            letters.removeLast(2)
        } else if letters.hasSuffix(ies), letters.count > 4 {
            letters.removeLast(3)
            letters.append("y")
        } else if letters.last == "s", !keepsFinalS.contains(where: { letters.hasSuffix($0) }) {
            letters.removeLast()
        }

        if letters.hasSuffix(eed) {
            if letters.count > 4 { letters.removeLast() }
        } else if let ending = [ing, ed].first(where: { letters.hasSuffix($0) }) {
            var rest = Array(letters.dropLast(ending.count))
            if rest.count >= 3, rest.contains(where: isVowel) {
                let last = rest[rest.count - 1]
                if last == rest[rest.count - 2], !isVowel(last), !neverUndoubled.contains(last) {
                    rest.removeLast()
                }
                letters = rest
            }
        }

        for rule in derivational where letters.hasSuffix(rule.suffix) && letters.count - rule.suffix.count >= rule.shortestStem {
            letters.removeLast(rule.suffix.count)
            letters.append(contentsOf: rule.replacement)
            break
        }

        if letters.last == "y", letters.count > 3, !isVowel(letters[letters.count - 2]) {
            letters[letters.count - 1] = "i"
        }
        if letters.last == "e", letters.count > 3 {
            letters.removeLast()
        }
        return letters.string
    }

    private struct Rule: Sendable {
        let suffix: [Unicode.Scalar]
        let replacement: [Unicode.Scalar]
        /// Letters that must remain before the suffix for it to go: "ment" leaves "pay" in "payment" alone.
        let shortestStem: Int

        init(_ suffix: String, _ replacement: String, shortestStem: Int) {
            self.suffix = [Unicode.Scalar](scalarsOf: suffix)
            self.replacement = [Unicode.Scalar](scalarsOf: replacement)
            self.shortestStem = shortestStem
        }
    }

    /// First match wins, so longer suffixes come before the shorter ones they end with.
    private static let derivational: [Rule] = [
        Rule("ational", "ate", shortestStem: 2), Rule("ization", "ize", shortestStem: 2),
        Rule("fulness", "ful", shortestStem: 2), Rule("iveness", "ive", shortestStem: 2),
        Rule("ousness", "ous", shortestStem: 2), Rule("tional", "tion", shortestStem: 2),
        Rule("ation", "ate", shortestStem: 2), Rule("ement", "e", shortestStem: 3),
        Rule("ment", "", shortestStem: 4), Rule("ness", "", shortestStem: 3),
        Rule("ously", "ous", shortestStem: 2), Rule("ently", "ent", shortestStem: 2),
        Rule("ally", "al", shortestStem: 3),
    ]

    private static func isVowel(_ letter: Unicode.Scalar) -> Bool {
        letter == "a" || letter == "e" || letter == "i" || letter == "o" || letter == "u"
    }

    private static let sses: [Unicode.Scalar] = ["s", "s", "e", "s"]
    private static let ies: [Unicode.Scalar] = ["i", "e", "s"]
    private static let keepsFinalS: [[Unicode.Scalar]] = [["s", "s"], ["u", "s"], ["i", "s"]]
    private static let eed: [Unicode.Scalar] = ["e", "e", "d"]
    private static let ing: [Unicode.Scalar] = ["i", "n", "g"]
    private static let ed: [Unicode.Scalar] = ["e", "d"]
    private static let neverUndoubled: Set<Unicode.Scalar> = ["l", "s", "z"]
}
