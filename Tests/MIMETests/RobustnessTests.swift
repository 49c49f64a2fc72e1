import Testing
@testable import MIME

/// Any bytes parse into something: no crash, no hang. Seeded, so a failure reproduces.
@Suite struct RobustnessTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Bytes biased towards the characters that matter to the parsers.
    static func sample(_ generator: inout SplitMix, length: Int) -> [UInt8] {
        let interesting = Array("=?;:\"'*%()\\\r\n \tBQbq-_0123456789abcdefABCDEF".utf8)
        return (0..<length).map { _ in
            Bool.random(using: &generator) ? interesting.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
        }
    }

    @Test func randomInputsNeverCrashAnyParser() {
        var generator = SplitMix(state: 20_261_129)
        for round in 0..<2_000 {
            let bytes = Self.sample(&generator, length: Int.random(in: 0...300, using: &generator))
            let block = HeaderBlock(parsing: bytes)
            #expect(block.bodyStart <= bytes.count, "round \(round)")
            _ = EncodedWords.decode(bytes)
            _ = HeaderValueWithParameters(parsing: bytes)
            _ = Base64Tolerant.decode(bytes)
            _ = QuotedPrintable.decode(bytes)
            _ = CharsetGuess.guess(bytes)
            _ = MailAddress.parseList(bytes)
            _ = Snippet.of(MIMEPart(parsing: bytes[...]))
            _ = HTMLText.text(from: String(decoding: bytes, as: UTF8.self))
            _ = MailDate.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func unterminatedWordsStayLiteral() {
        // Openers whose payload never ends: each is tried over a bounded stretch only, so even
        // this header is read in linear time (see EncodedWords.maximumPayload), and kept as text.
        let text = String(repeating: "=?utf-8?B?" + String(repeating: "A", count: 100), count: 2_000)
        let result = EncodedWords.decode(Array(text.utf8))
        #expect(result.text == text)
        let long = "=?utf-8?B?" + String(repeating: "QUFB", count: 600) + "?="
        #expect(EncodedWords.decode(Array(long.utf8)).text == long, "a payload past the bound is not a word")
    }
}
