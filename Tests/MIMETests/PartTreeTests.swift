import Testing
@testable import MIME

@Suite struct PartTreeTests {
    func parse(_ text: String) -> MIMEPart { MIMEPart(parsing: Array(text.utf8)[...]) }

    static let mixed = """
        From: Anna <anna@a.ru>\r
        Subject: =?utf-8?B?0KHRh9GR0YI=?=\r
        Content-Type: multipart/mixed; boundary="outer"\r
        \r
        preamble is ignored\r
        --outer\r
        Content-Type: multipart/alternative; boundary=inner\r
        \r
        --inner\r
        Content-Type: text/plain; charset=koi8-r\r
        Content-Transfer-Encoding: base64\r
        \r
        8NLJ18XUIQ==\r
        --inner\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <p>Привет!</p>\r
        --inner--\r
        --outer\r
        Content-Type: application/pdf; name="=?utf-8?B?0KHRh9GR0YI=?=.pdf"\r
        Content-Disposition: attachment; filename*=utf-8''%D0%A1%D1%87%D1%91%D1%82.pdf\r
        Content-Transfer-Encoding: base64\r
        \r
        JVBERi0xLjQ=\r
        --outer--\r
        epilogue is ignored\r

        """

    @Test func nestedMultipartsDecodeToTheRightLeaves() {
        let message = parse(Self.mixed)
        #expect(message.contentType.value == "multipart/mixed")
        #expect(message.children.count == 2)
        #expect(message.children[0].children.map(\.contentType.value) == ["text/plain", "text/html"])
        #expect(message.children[0].children[0].text == "Привет!")
        let attachment = message.children[1]
        #expect(attachment.isAttachment)
        #expect(attachment.filename == "Счёт.pdf")
        #expect(attachment.body == Array("%PDF-1.4".utf8))
        #expect(message.defects.isEmpty)
        #expect(Snippet.of(message) == "Привет!")
    }

    @Test func htmlOnlyMessagesGetReadableSnippets() {
        let message = parse("Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>t</title><style>p{}</style></head><body><p>Добрый&nbsp;день,<br>Анна &laquo;Ромашка&raquo; &#8470;42 &amp; co</p><script>alert(1)</script><!-- hidden --></body></html>")
        #expect(Snippet.of(message) == "Добрый день,\nАнна «Ромашка» №42 & co")
    }

    @Test func snippetsStopAtFiveHundredCharacters() {
        let long = String(repeating: "Очень длинное письмо. ", count: 100)
        let snippet = Snippet.of(parse("Content-Type: text/plain; charset=utf-8\r\n\r\n" + long))
        #expect(snippet.count == 500)
        #expect(long.hasPrefix(snippet))
    }

    @Test func brokenStructuresStillGiveTheirBestReading() {
        let noClose = parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
        #expect(noClose.children.count == 1)
        #expect(noClose.defects.contains(.missingClosingBoundary))
        #expect(Snippet.of(noClose) == "hello")

        let noBoundary = parse("Content-Type: multipart/mixed\r\n\r\nsome text")
        #expect(noBoundary.defects.contains(.missingBoundary))

        let qp = parse("Content-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=CF=F0=E8=E2=E5=F2 =\r\n=EC=E8=F0")
        #expect(qp.text == "Привет мир")
    }

    @Test func embeddedMessagesAreParsedAsChildren() {
        let message = parse("Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: text/plain\r\n\r\ninner body")
        #expect(message.children.first?.headers.text("Subject") == "inner")
        #expect(Snippet.of(message) == "inner body")
    }

    @Test func deepNestingIsCutOffNotRecursedForever() {
        var text = "leaf"
        for level in 0..<100 {
            text = "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n\(text)\r\n--b\(level)--\r\n"
        }
        let message = parse(text)
        #expect(message.allParts.count <= MIMEPart.maximumDepth + 2)
    }
}
