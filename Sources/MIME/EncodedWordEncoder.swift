/// Non-ASCII text in headers as RFC 2047 encoded words (`=?utf-8?B?…?=`), for unstructured
/// fields such as Subject and for display names in address fields.
///
/// Every word is at most 75 characters (§2) and holds whole characters: a reader that decodes
/// each word on its own, as Python's `email` does, must never see half a UTF-8 sequence. A
/// grapheme cluster too long for one word is split between its scalars, never inside one.
/// B encoding throughout: Russian text is mostly non-ASCII, where Q would triple every byte.
enum EncodedWordEncoder {
    static let maximumWordLength = 75
    private static let opening = "=?utf-8?B?"
    private static let closing = "?="

    /// Plain words longer than this are encoded, so that they can be split and the field folded
    /// at 78 columns.
    static let longestPlainWord = HeaderFieldWriter.preferredLineLength - 1
    /// Blank runs longer than this go inside encoded words, where they cannot lengthen a line.
    static let longestPlainBlankRun = 16
    private static let smallestUsefulPayload = 12

    // MARK: Unstructured fields

    /// Writes `text` as an unstructured value (RFC 5322 §3.2.5): printable ASCII words stay
    /// readable, every other run of words becomes encoded words, and the blanks between them
    /// are kept exactly. Text with leading or trailing blanks is encoded whole, because parsers
    /// trim a field's value.
    static func appendUnstructured(_ text: String, to field: inout HeaderFieldWriter, longestPlainWord: Int = EncodedWordEncoder.longestPlainWord) {
        guard !text.isEmpty else { return }
        if text.first == " " || text.last == " " {
            appendEncoded(text, to: &field)
            return
        }
        var runs: [(separator: String, text: String, encoded: Bool)] = []
        for (position, segment) in blankSeparatedWords(text).enumerated() {
            let plain = isPlainWord(segment.word, longest: longestPlainWord) && segment.blanks.count <= longestPlainBlankRun
            if plain {
                runs.append((position == 0 ? " " : String(segment.blanks), String(segment.word), false))
            } else if let last = runs.last, last.encoded {
                // Blanks between two encoded words would be dropped by readers (RFC 2047 §6.2),
                // so they travel inside the encoded text.
                runs[runs.count - 1].text += String(segment.blanks) + String(segment.word)
            } else {
                // One blank sets the word apart from the plain one before; any more are text.
                runs.append((" ", String(segment.blanks.dropFirst()) + String(segment.word), true))
            }
        }
        for run in runs {
            if run.encoded {
                appendEncoded(run.text, to: &field, separator: run.separator)
            } else {
                field.append(run.text, separator: run.separator)
            }
        }
    }

    /// Splits text without leading or trailing blanks into words, each with the blanks before it.
    private static func blankSeparatedWords(_ text: String) -> [(blanks: Substring, word: Substring)] {
        var segments: [(blanks: Substring, word: Substring)] = []
        var index = text.startIndex
        while index < text.endIndex {
            let wordStart = text[index...].firstIndex { $0 != " " } ?? text.endIndex
            let wordEnd = text[wordStart...].firstIndex { $0 == " " } ?? text.endIndex
            segments.append((text[index..<wordStart], text[wordStart..<wordEnd]))
            index = wordEnd
        }
        return segments
    }

    /// Printable ASCII that no reader could mistake for an encoded word.
    private static func isPlainWord(_ word: Substring, longest: Int) -> Bool {
        word.utf8.count <= longest
            && word.utf8.allSatisfy { (0x21...0x7E).contains($0) }
            && !word.contains("=?")
    }

    // MARK: Display names

    /// Writes a display name as a phrase (RFC 5322 §3.2.5): atoms as they are, other printable
    /// ASCII as a quoted string, anything else as encoded words. Names with `"` or `\` are
    /// encoded rather than escaped, since an escaped quote is where address parsers go wrong.
    static func appendPhrase(_ name: String, to field: inout HeaderFieldWriter) {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        let printable = name.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !name.contains("=?")
        if printable, words.allSatisfy({ !$0.isEmpty && $0.utf8.count <= longestPlainWord && $0.utf8.allSatisfy(isAtomText) }) {
            for word in words { field.append(word) }
            return
        }
        let quoted = "\"" + name + "\""
        if printable, !name.contains("\""), !name.contains("\\"), quoted.utf8.count <= longestPlainWord {
            field.append(quoted)
            return
        }
        // Python's `email` (3.11) reads the blank between two encoded words of a name as a
        // space, against RFC 2047 §6.2; ending words at the name's own spaces keeps both kinds
        // of reader close to the same name.
        appendEncoded(name, to: &field, breakingAfterSpaces: true)
    }

    private static let atomSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// `atext` of RFC 5322 §3.2.3.
    private static func isAtomText(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: atomSymbols.contains(byte)
        }
    }

    // MARK: Encoded words

    /// Writes `text` as encoded words separated by blanks, each filling what is left of its line
    /// (up to 75 characters). `leading` is glued to the first word and `trailing` to the last,
    /// for the quotes of the `name="=?…?="` parameter form. With `breakingAfterSpaces`, words end
    /// after a space of the text where one fits, keeping that space inside the earlier word.
    static func appendEncoded(
        _ text: String, to field: inout HeaderFieldWriter, separator: String = " ",
        leading: String = "", trailing: String = "", breakingAfterSpaces: Bool = false
    ) {
        let units = encodingUnits(text)
        let space: [UInt8] = [0x20]
        let mayEndAfter = units.indices.map { index in !breakingAfterSpaces || units[index] == space || index == units.count - 1 }
        var remainingBytes = units.reduce(0) { $0 + $1.count }
        var next = 0
        var separator = separator
        var glued = leading
        repeat {
            let extra = glued.utf8.count + trailing.utf8.count
            let unitSize = next < units.count ? units[next].count : 0
            let capacityHere = payloadCapacity(wordLength: min(maximumWordLength, field.room(after: separator) - extra))
            let freshLine = HeaderFieldWriter.preferredLineLength - separator.utf8.count - extra
            let capacityOnNewLine = max(payloadCapacity(wordLength: min(maximumWordLength, freshLine)), unitSize)
            var bytesToNextEnd = 0
            for index in next..<units.count {
                bytesToNextEnd += units[index].count
                if mayEndAfter[index] { break }
            }
            // Start a new line (the writer folds when this one has a word) rather than leave a
            // sliver of a word at the end of this one or cut a name's word where it need not be.
            let wanted = max(unitSize, min(bytesToNextEnd, capacityOnNewLine), min(remainingBytes, smallestUsefulPayload))
            let capacity = capacityHere >= wanted && capacityHere > 0 ? capacityHere : capacityOnNewLine
            var end = next
            var size = 0
            var lastAllowedEnd: Int?
            while end < units.count, size + units[end].count <= capacity {
                size += units[end].count
                if mayEndAfter[end] { lastAllowedEnd = end + 1 }
                end += 1
            }
            if end < units.count, let allowed = lastAllowedEnd { end = allowed }
            let payload = units[next..<end].flatMap { $0 }
            next = end
            remainingBytes -= payload.count
            var word = glued + opening + String(decoding: Base64Encoder.encode(payload), as: UTF8.self) + closing
            if next == units.count { word += trailing }
            field.append(word, separator: separator)
            separator = " "
            glued = ""
        } while next < units.count
    }

    /// The UTF-8 bytes that fit in the base64 payload of a word of `wordLength` characters.
    static func payloadCapacity(wordLength: Int) -> Int {
        max(0, (wordLength - opening.utf8.count - closing.utf8.count) / 4 * 3)
    }

    /// Pieces that must not be split: grapheme clusters, or single scalars of a cluster too long
    /// to fit in one word.
    static func encodingUnits(_ text: String) -> [[UInt8]] {
        let largest = payloadCapacity(wordLength: maximumWordLength)
        var units: [[UInt8]] = []
        for character in text {
            let bytes = Array(character.utf8)
            if bytes.count <= largest {
                units.append(bytes)
            } else {
                units += character.unicodeScalars.map { Array($0.utf8) }
            }
        }
        return units
    }
}
