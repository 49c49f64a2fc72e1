/// Text to the tokens the classifier counts, for Russian and English alike.
///
/// The text is lower-cased and `ё` folded to `е` (Russian writers use the two interchangeably).
/// It is cut at whitespace into chunks; a chunk that is a link becomes `<url>` and one that is an
/// e-mail address `<email>`, because which link or which address rarely recurs while their
/// presence does. Every other chunk is cut into runs of letters, combining marks and digits: a
/// run of digits becomes `<num>`, a word of 2 to 30 characters is stemmed (longer runs are
/// encoded junk: base64, hashes), and a question mark becomes `<q>`, because a question asks for
/// an answer and that is what "needs action" often means.
///
/// Everything is done on Unicode scalars, not grapheme clusters: it is cheaper, and it is what the
/// Python prototype that measured the accuracy targets did.
public enum Tokenizer {
    public static let urlToken = "<url>"
    public static let emailToken = "<email>"
    public static let numberToken = "<num>"
    public static let questionToken = "<q>"

    static let shortestWord = 2
    static let longestWord = 30

    private static let schemeSeparator: [Unicode.Scalar] = [":", "/", "/"]
    private static let wwwPrefix: [Unicode.Scalar] = ["w", "w", "w", "."]
    private static let cyrillicLowercase: ClosedRange<Unicode.Scalar> = "\u{430}"..."\u{44F}"
    private static let latinLowercase: ClosedRange<Unicode.Scalar> = "a"..."z"

    /// Lower case with `ё` as `е`.
    public static func fold(_ text: String) -> String {
        let lowered = text.lowercased()
        // Most text has no `ё`, and rebuilding it scalar by scalar was a fifth of the tokenizer.
        guard lowered.unicodeScalars.contains("\u{451}") else { return lowered }
        return lowered.unicodeScalars.map { $0 == "\u{451}" ? "\u{435}" : $0 }.string
    }

    public static func tokens(in text: String) -> [String] {
        let scalars = Array(fold(text).unicodeScalars)
        var tokens: [String] = []
        var chunkStart: Int?
        for index in 0...scalars.count {
            if index == scalars.count || isSeparator(scalars[index]) {
                if let start = chunkStart {
                    appendTokens(of: scalars[start..<index], to: &tokens)
                }
                chunkStart = nil
            } else if chunkStart == nil {
                chunkStart = index
            }
        }
        return tokens
    }

    /// A lower-case word in its stemmed form: Russian and English words by their stemmers, any
    /// other (mixed scripts, other languages, words with digits) as it is.
    public static func stem(_ word: String) -> String {
        let scalars = word.unicodeScalars
        if scalars.allSatisfy({ cyrillicLowercase.contains($0) }) {
            return RussianStemmer.stem(word)
        }
        if scalars.allSatisfy({ latinLowercase.contains($0) }) {
            return EnglishStemmer.stem(word)
        }
        return word
    }

    private static func appendTokens(of chunk: ArraySlice<Unicode.Scalar>, to tokens: inout [String]) {
        if contains(schemeSeparator, in: chunk) || chunk.starts(with: wwwPrefix) {
            tokens.append(urlToken)
            return
        }
        if let at = chunk.firstIndex(of: "@"), at > chunk.startIndex, chunk[(at + 1)...].contains(".") {
            tokens.append(emailToken)
            return
        }
        var word: [Unicode.Scalar] = []
        for scalar in chunk {
            if isWordScalar(scalar) {
                word.append(scalar)
                continue
            }
            appendWord(word, to: &tokens)
            word.removeAll(keepingCapacity: true)
            if scalar == "?" {
                tokens.append(questionToken)
            }
        }
        appendWord(word, to: &tokens)
    }

    private static func appendWord(_ word: [Unicode.Scalar], to tokens: inout [String]) {
        guard !word.isEmpty else { return }
        if word.allSatisfy(isDigit) {
            tokens.append(numberToken)
        } else if (shortestWord...longestWord).contains(word.count) {
            tokens.append(stem(word.string))
        }
    }

    // The three checks below answer ASCII and the Russian alphabet from the code point alone, as
    // the Unicode properties would: looking those up took most of the tokenizer's time.

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("0"..."9").contains(scalar) }
        if (0x400...0x4FF).contains(scalar.value) { return false }
        return scalar.properties.generalCategory == .decimalNumber
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            // In ASCII only the letters and digits are letters, marks or decimal digits.
            return ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        if (0x410...0x44F).contains(scalar.value) || scalar.value == 0x401 || scalar.value == 0x451 { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// Unicode White_Space, plus the information separators U+001C–U+001F that Python's
    /// `str.split()` also splits at, so that the Swift and the prototype tokens agree.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            // ASCII's White_Space: tab, line feed, vertical tab, form feed, carriage return, space.
            return (0x09...0x0D).contains(scalar.value) || scalar == " " || (0x1C...0x1F).contains(scalar.value)
        }
        return scalar.properties.isWhitespace
    }

    private static func contains(_ needle: [Unicode.Scalar], in chunk: ArraySlice<Unicode.Scalar>) -> Bool {
        guard chunk.count >= needle.count else { return false }
        var start = chunk.startIndex
        while start + needle.count <= chunk.endIndex {
            if chunk[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
