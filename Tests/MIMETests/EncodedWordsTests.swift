import Testing
@testable import MIME

@Suite struct EncodedWordsTests {
    func decode(_ text: String) -> String { EncodedWords.decode(Array(text.utf8)).text }

    @Test func base64AndQInRussianCharsets() {
        // Payloads from Python's base64/quopri over codec-encoded text.
        #expect(decode("=?KOI8-R?B?896j1CDOwSDP0MzB1NUgNDI=?=") == "Счёт на оплату 42")
        #expect(decode("=?windows-1251?B?0fe48iDt4CDu7+vg8vMguTQy?=") == "Счёт на оплату №42")
        #expect(decode("=?utf-8?b?0JfQsNGP0LLQutCwINC90LAg0L/QvtGB0YLQsNCy0LrRgw==?=") == "Заявка на поставку")
        #expect(decode("=?windows-1251?Q?=CF=F0=E8=E2=E5=F2_=EC=E8=F0?=") == "Привет мир")
    }

    @Test func adjacentWordsJoinAndAUTF8CharacterSplitAcrossWordsSurvives() {
        #expect(decode("=?UTF-8?B?0JfQsNGP0A==?=\r\n =?UTF-8?B?stC60LAg0L3QsCDQv9C+0YHRgtCw0LLQutGD?=") == "Заявка на поставку")
        #expect(decode("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab")
    }

    @Test func plainTextAroundWordsKeepsItsSpaces() {
        #expect(decode("Re: =?utf-8?q?=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82?= from Anna") == "Re: Привет from Anna")
        #expect(decode("no words here") == "no words here")
    }

    @Test func brokenWordsStayLiteralAndUnknownCharsetsAreGuessed() {
        #expect(decode("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=")
        #expect(decode("=?utf-8?B?unterminated") == "=?utf-8?B?unterminated")
        let unknown = EncodedWords.decode(Array("=?x-mystery?B?0fe48iDt4CDu7+vg8vMguTQy?=".utf8))
        #expect(unknown.text == "Счёт на оплату №42", "guessed as windows-1251")
        #expect(unknown.defects.contains(.unknownCharset("x-mystery")))
    }

    @Test func rawEightBitHeadersAreGuessedNeverDropped() {
        let koi8: [UInt8] = Array("Subject: ".utf8) + [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]
        let result = EncodedWords.decode(koi8)
        #expect(result.text == "Subject: Привет")
        #expect(result.defects == [.rawEightBitHeader])
    }

    @Test func tolerantBase64() {
        #expect(Base64Tolerant.decode(Array("0JfQsNGP0LLQutCw".utf8)).bytes == Array("Заявка".utf8))
        let missingPadding = Base64Tolerant.decode(Array("0JfQsNGP0A".utf8))
        #expect(missingPadding.bytes == [0xD0, 0x97, 0xD0, 0xB0, 0xD1, 0x8F, 0xD0])
        #expect(!missingPadding.sawGarbage)
        let garbage = Base64Tolerant.decode(Array("0Jf\r\nQsN!GP0LLQutCw".utf8))
        #expect(garbage.bytes == Array("Заявка".utf8))
        #expect(garbage.sawGarbage)
    }

    @Test func quotedPrintableBodies() {
        let soft = QuotedPrintable.decode(Array("long=\r\nline=20end= \nnext=3d=3D=ZZ".utf8))
        #expect(String(decoding: soft.bytes, as: UTF8.self) == "longline endnext===ZZ")
        #expect(soft.sawGarbage)
    }
}
