import Testing
@testable import MIME

@Suite struct SnippetTests {
    func message(_ body: [UInt8], type: String) -> MIMEPart {
        MIMEPart(parsing: (Array("Content-Type: \(type)\r\n\r\n".utf8) + body)[...])
    }

    @Test func aLongCyrillicBodyGivesExactly500CharactersWhateverTheCharset() {
        let sentence = "Добрый день! Направляем счёт 42 за поставку оборудования. "
        let text = String(repeating: sentence, count: 400)  // far beyond the first window
        let expected = String(Whitespace.collapse(text).prefix(500))
        let utf8 = Snippet.of(message(Array(text.utf8), type: "text/plain; charset=utf-8"))
        #expect(utf8 == expected)
        #expect(utf8.count == 500)
        let koi8 = Snippet.of(message(Self.encode(text, table: SingleByteCharsetTables.koi8R), type: "text/plain; charset=koi8-r"))
        #expect(koi8 == expected)
        let guessed = Snippet.of(message(Self.encode(text, table: SingleByteCharsetTables.windows1251), type: "text/plain"))
        #expect(guessed == expected, "no charset label: guessed from the window")
    }

    @Test func windowsNeverSplitAUTF8Character() {
        // Two-byte letters with no line breaks: every window edge falls inside a character
        // unless the cut is moved back.
        let text = String(repeating: "ж", count: 5000) + " конец"
        let part = message(Array(text.utf8), type: "text/plain; charset=utf-8")
        for window in [4095, 4096, 4097, 100, 1] {
            #expect(!part.text(prefixBytes: window).contains("\u{FFFD}"), "window \(window)")
        }
    }

    @Test func blankHeavyTextWidensTheWindowUntilItHasEnough() {
        // 20 KB of blank lines first: the first window yields almost nothing.
        let text = String(repeating: " \r\n", count: 7000) + String(repeating: "слово ", count: 200)
        let snippet = Snippet.of(message(Array(text.utf8), type: "text/plain; charset=utf-8"))
        #expect(snippet.count == 500)
        #expect(snippet.hasPrefix("слово слово"))
    }

    @Test func htmlSnippetSkipsHiddenContentAndStopsEarly() {
        let style = "<style>" + String(repeating: "p { color: red } ", count: 3000) + "</style>"
        let html = "<html><head><title>t</title>\(style)</head><body><p>Здравствуйте,&nbsp;Анна!</p>" + String(repeating: "<div>текст</div>", count: 2000) + "</body></html>"
        let snippet = Snippet.of(message(Array(html.utf8), type: "text/html; charset=utf-8"))
        #expect(snippet.hasPrefix("Здравствуйте, Анна!\nтекст\nтекст"))
        #expect(snippet.count == 500)
    }

    @Test func unicodeBlanksCollapseLikeASCIIOnes() {
        #expect(Whitespace.collapse("  a\u{00A0}\u{2003} b\u{3000}c \r\n\r\n\u{2028} d  ") == "a b c\nd")
        #expect(Whitespace.collapse("один  два три", limit: 5) == "один д", "stops once five characters are certain")
    }

    @Test(arguments: [
        ("Спасибо, получили.\n\nВ пн, 3 мар. 2026 г. в 10:00, Анна <anna@a.ru> пишет:\n> Отправляем счёт", "Спасибо, получили."),
        ("Thanks!\n\nOn Mon, Mar 3, 2026 at 10:00 AM Anna <anna@a.ru> wrote:\n> Here is the invoice", "Thanks!"),
        ("OK\n-----Original Message-----\nFrom: Anna", "OK"),
        ("Принято\n\n-----Исходное сообщение-----\nОт: Анна", "Принято"),
        ("Да\n________________________________\nFrom: Anna <anna@a.ru>\nSent: Monday", "Да"),
        ("Да\n\nОт: Анна <anna@a.ru>\nОтправлено: 3 марта 2026 г.\nТема: Счёт", "Да"),
        ("> quoted first\nmy answer\n> more quote\nsecond line", "my answer\nsecond line"),
        ("> only a quote\n> nothing else", "> only a quote\n> nothing else"),
        ("From: a forwarded message header alone is kept\nnext line", "From: a forwarded message header alone is kept\nnext line"),
    ])
    func quotedRepliesAreTrimmed(input: String, expected: String) {
        #expect(Whitespace.collapse(QuotedReply.trim(input)) == expected)
    }

    @Test func htmlQuotesAreDroppedOnlyWhenAsked() {
        let html = "<div>Согласны.</div><div class=\"gmail_quote\"><blockquote class=\"gmail_quote\">Старое <b>письмо</b></blockquote></div>"
        let part = message(Array(html.utf8), type: "text/html; charset=utf-8")
        #expect(Snippet.of(part) == "Согласны.\nСтарое письмо")
        #expect(Snippet.of(part, trimQuotedReplies: true) == "Согласны.")
    }

    @Test func aBoundaryThatNeverOccursLeavesTheTextReadable() {
        let raw = "Content-Type: multipart/report; boundary=\"declared\"\r\n\r\n--other\r\nThe mail system: user unknown\r\n--other--\r\n"
        let part = MIMEPart(parsing: Array(raw.utf8)[...])
        #expect(part.defects.contains(.boundaryNotFound))
        #expect(part.children.isEmpty)
        #expect(Snippet.of(part) == "--other\nThe mail system: user unknown\n--other--")
    }

    static func encode(_ text: String, table: [UInt32]) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            scalar.isASCII ? UInt8(scalar.value) : UInt8(0x80 + table.firstIndex(of: scalar.value)!)
        }
    }
}
