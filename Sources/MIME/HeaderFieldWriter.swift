/// One header field written word by word and folded the way RFC 5322 §2.2.3 allows: a line
/// break goes only before a blank that was already there, so unfolding (removing the CRLFs)
/// gives back exactly the value that was written. Lines are kept to 78 octets where the words
/// allow it; callers never hand over a word that could push a line past 998.
struct HeaderFieldWriter {
    static let preferredLineLength = 78
    static let maximumLineLength = 998

    private var output: [UInt8]
    private var column: Int
    /// A line that holds only the field name or a fold's blanks gains nothing from folding again.
    private var lineHasWord = false

    init(name: String) {
        output = Array(name.utf8) + [UInt8(ascii: ":")]
        column = output.count
    }

    /// Columns left on the current line once `separator` is written.
    func room(after separator: String) -> Int {
        Self.preferredLineLength - column - separator.utf8.count
    }

    /// Writes `separator` then `word`, folding before the separator when the word would run past
    /// the preferred length. An empty separator glues the word to the previous one (a `;` or `,`).
    mutating func append(_ word: some StringProtocol, separator: String = " ") {
        let width = separator.utf8.count + word.utf8.count
        if lineHasWord, !separator.isEmpty, column + width > Self.preferredLineLength {
            output += [0x0D, 0x0A]
            column = 0
        }
        output += separator.utf8
        output += word.utf8
        column += width
        lineHasWord = true
    }

    /// The finished field, ending in CRLF.
    var bytes: [UInt8] { output + [0x0D, 0x0A] }
}
