/// A light Russian stemmer in the spirit of the Snowball Russian algorithm, written for this
/// project. Words come lower-cased with `ё` folded to `е` (see `Tokenizer.fold`).
///
/// Why a stemmer at all: Russian inflects heavily — "счёт", "счета", "счетов", "счетами" are one
/// word to a reader and four to a counter; with a few examples per category, counting them apart
/// would leave most words unseen.
///
/// How: only the part of the word after its first vowel (the "RV" region) may lose an ending, so
/// short stems survive ("дом" stays). At most one inflectional ending is cut, tried in this order:
/// 1. a perfective gerund ending ("-вшись", "-ив"…);
/// 2. otherwise a reflexive "-ся"/"-сь", and then an adjectival ending (with a participle
///    suffix before it), else a verb ending, else a noun ending.
/// Then a final "и" goes, the derivational "-ость" goes when a real stem remains, a superlative
/// "-ейш(е)" goes, and "нн" becomes "н" or a final soft sign goes.
/// Some endings count only after "а" or "я", which stays ("читал" → "чита"). The longest
/// ending that fits wins. Alternating and fleeting vowels are not handled ("заявок" and
/// "заявка" stay two stems): a light stemmer trades those for simplicity.
public enum RussianStemmer {
    public static func stem(_ word: String) -> String {
        var letters = [Unicode.Scalar](scalarsOf: word)
        guard letters.count > 2, let firstVowel = letters.firstIndex(where: { vowels.contains($0) }) else {
            return word
        }
        let region = firstVowel + 1

        if let gerund = longest(in: letters, region: region, afterA: perfectiveGerundAfterA, plain: perfectiveGerund) {
            letters.removeLast(gerund.count)
        } else {
            if let reflexiveEnding = longest(in: letters, region: region, endings: reflexive) {
                letters.removeLast(reflexiveEnding.count)
            }
            if let adjectival = longest(in: letters, region: region, endings: adjective) {
                letters.removeLast(adjectival.count)
                if let participleSuffix = longest(in: letters, region: region, afterA: participleAfterA, plain: participle) {
                    letters.removeLast(participleSuffix.count)
                }
            } else if let verbEnding = longest(in: letters, region: region, afterA: verbAfterA, plain: verb) {
                letters.removeLast(verbEnding.count)
            } else if let nounEnding = longest(in: letters, region: region, endings: noun) {
                letters.removeLast(nounEnding.count)
            }
        }

        if letters.last == "и", letters.count - 1 >= region {
            letters.removeLast()
        }
        // "-ость" makes nouns of adjectives ("активность", "активный" → "активн"); cut only where a
        // stem of substance is left ("радость" keeps it).
        for ending in derivational where letters.hasSuffix(ending) && letters.count - ending.count >= max(region, 3) + 1 {
            letters.removeLast(ending.count)
            break
        }
        for ending in superlative where letters.hasSuffix(ending) && letters.count - ending.count >= region {
            letters.removeLast(ending.count)
            break
        }
        if letters.hasSuffix(doubleN) {
            letters.removeLast()
        } else if letters.last == "ь", letters.count - 1 >= region {
            letters.removeLast()
        }
        return letters.string
    }

    /// The longest of `endings` that the word ends with, inside the region.
    private static func longest(in letters: [Unicode.Scalar], region: Int, endings: [[Unicode.Scalar]]) -> [Unicode.Scalar]? {
        var best: [Unicode.Scalar]?
        for ending in endings where letters.hasSuffix(ending) && letters.count - ending.count >= region {
            if ending.count > (best?.count ?? 0) { best = ending }
        }
        return best
    }

    /// The longest ending of either group, where those of `afterA` count only after an "а" or
    /// "я" that is itself inside the region; on equal length the `afterA` one.
    private static func longest(in letters: [Unicode.Scalar], region: Int, afterA: [[Unicode.Scalar]], plain: [[Unicode.Scalar]]) -> [Unicode.Scalar]? {
        var bestAfterA: [Unicode.Scalar]?
        for ending in afterA where letters.hasSuffix(ending) {
            let start = letters.count - ending.count
            guard start - 1 >= region, letters[start - 1] == "а" || letters[start - 1] == "я" else { continue }
            if ending.count > (bestAfterA?.count ?? 0) { bestAfterA = ending }
        }
        let bestPlain = longest(in: letters, region: region, endings: plain)
        if let bestAfterA, let bestPlain {
            return bestPlain.count > bestAfterA.count ? bestPlain : bestAfterA
        }
        return bestAfterA ?? bestPlain
    }

    private static func endings(_ words: [String]) -> [[Unicode.Scalar]] {
        words.map { [Unicode.Scalar](scalarsOf: $0) }
    }

    private static let vowels: Set<Unicode.Scalar> = ["а", "е", "и", "о", "у", "ы", "э", "ю", "я"]
    private static let doubleN: [Unicode.Scalar] = ["н", "н"]

    private static let perfectiveGerundAfterA = endings(["в", "вши", "вшись"])
    private static let perfectiveGerund = endings(["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"])
    private static let adjective = endings([
        "ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом",
        "его", "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
    ])
    private static let participleAfterA = endings(["ем", "нн", "вш", "ющ", "щ"])
    private static let participle = endings(["ивш", "ывш", "ующ"])
    private static let reflexive = endings(["ся", "сь"])
    private static let verbAfterA = endings([
        "ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь", "нно",
    ])
    // "-ьте" is ours, not Snowball's: business mail is full of imperatives ("отправьте").
    private static let verb = endings([
        "ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым", "ен",
        "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую", "ю", "ьте",
    ])
    private static let noun = endings([
        "а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой", "ий", "й",
        "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию", "ью", "ю", "ия", "ья", "я",
    ])
    private static let derivational = endings(["ость", "ост"])
    private static let superlative = endings(["ейше", "ейш"])
}
