import Testing
@testable import MIME

/// Byte vectors produced by Python's codecs (an independent implementation of each charset).
@Suite struct CharsetTests {
    static let phrase = "Привет, мир! Ёлка ёж"
    static let vectors: [(Charset, [UInt8])] = [
        (.koi8R, [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4, 0x2C, 0x20, 0xCD, 0xC9, 0xD2, 0x21, 0x20, 0xB3, 0xCC, 0xCB, 0xC1, 0x20, 0xA3, 0xD6]),
        (.windows1251, [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x2C, 0x20, 0xEC, 0xE8, 0xF0, 0x21, 0x20, 0xA8, 0xEB, 0xEA, 0xE0, 0x20, 0xB8, 0xE6]),
        (.cp866, [0x8F, 0xE0, 0xA8, 0xA2, 0xA5, 0xE2, 0x2C, 0x20, 0xAC, 0xA8, 0xE0, 0x21, 0x20, 0xF0, 0xAB, 0xAA, 0xA0, 0x20, 0xF1, 0xA6]),
        (.iso8859_5, [0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2, 0x2C, 0x20, 0xDC, 0xD8, 0xE0, 0x21, 0x20, 0xA1, 0xDB, 0xDA, 0xD0, 0x20, 0xF1, 0xD6]),
    ]

    @Test func decodesEachRussianCharset() {
        for (charset, bytes) in Self.vectors {
            #expect(charset.decode(bytes) == Self.phrase, "\(charset)")
        }
        #expect(Charset.utf8.decode(Array(Self.phrase.utf8)) == Self.phrase)
        #expect(Charset.koi8U.decode([0xBD, 0xC1, 0xCE, 0xCF, 0xCB]) == "Ґанок")
    }

    @Test func guessesTheCharsetOfUnlabelledRussianText() {
        for (charset, bytes) in Self.vectors where charset != .iso8859_5 {
            #expect(CharsetGuess.guess(bytes) == charset, "\(charset)")
        }
        #expect(CharsetGuess.guess(Array(Self.phrase.utf8)) == .utf8)
        #expect(CharsetGuess.guess(Array("plain".utf8)) == .usASCII)
        #expect(CharsetGuess.guess([0x43, 0x61, 0x66, 0xE9]) == .windows1252, "Café is not Russian")
    }

    @Test(arguments: [("KOI8-R", Charset.koi8R), ("koi8r", .koi8R), ("Windows-1251", .windows1251), ("x-cp1251", .windows1251),
                      ("CP1251", .windows1251), ("IBM866", .cp866), ("utf8", .utf8), ("UTF-8*ru", .utf8), ("iso_8859-5", .iso8859_5),
                      ("\"us-ascii\"", .usASCII), ("latin1", .iso8859_1)])
    func understandsLabelsAsMailersWriteThem(label: String, charset: Charset) {
        #expect(Charset(label: label) == charset)
    }

    @Test func unknownLabelsAreNil() {
        #expect(Charset(label: "x-unknown-charset") == nil)
    }

    @Test func malformedUTF8BecomesReplacementCharacters() {
        #expect(Charset.utf8.decode([0x41, 0xD0, 0x42]) == "A\u{FFFD}B")
    }

    /// The examples of RFC 2152, and an encoded word in UTF-7 as old Outlook Express wrote them.
    @Test func utf7() throws {
        let utf7 = try #require(Charset(label: "UTF-7"))
        #expect(utf7.decode(Array("Hi Mom -+Jjo--!".utf8)) == "Hi Mom -\u{263A}-!")
        #expect(utf7.decode(Array("+ZeVnLIqe-".utf8)) == "日本語")
        #expect(utf7.decode(Array("A+ImIDkQ.".utf8)) == "A\u{2262}\u{0391}.")
        #expect(utf7.decode(Array("1 +- 1".utf8)) == "1 + 1")
        #expect(utf7.decode(Array("+BB8EQAQ4BDIENQRC-".utf8)) == "Привет")
        #expect(EncodedWords.decode(Array("=?utf-7?Q?+BB8EQAQ4BDIENQRC-?=".utf8)).text == "Привет")
    }
}
