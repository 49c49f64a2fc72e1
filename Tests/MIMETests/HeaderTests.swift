import Testing
@testable import MIME

@Suite struct HeaderTests {
    @Test func unfoldsFieldsAndFindsTheBody() {
        let message = "Subject: =?utf-8?B?0JfQsNGP0LLQutCw?=\r\n =?utf-8?B?INC90LAg0L/QvtGB0YLQsNCy0LrRgw==?=\r\nFrom: Anna\r\n\t<anna@a.ru>\r\nX-Empty:\r\n\r\nbody text\r\n"
        let block = HeaderBlock(parsing: Array(message.utf8))
        #expect(block.text("subject") == "Заявка на поставку")
        #expect(block.text("FROM") == "Anna\t<anna@a.ru>")
        #expect(block.raw("x-empty") == [])
        #expect(block.defects.isEmpty)
        #expect(String(decoding: Array(message.utf8)[block.bodyStart...], as: UTF8.self) == "body text\r\n")
    }

    @Test func bareLineFeedsAndJunkLinesAreTolerated() {
        let message = "To: a@b.ru\nthis is not a header\nSubject: hi\n\nbody"
        let block = HeaderBlock(parsing: Array(message.utf8))
        #expect(block.fields.map(\.name) == ["To", "Subject"])
        #expect(block.defects == [.malformedHeaderLine])
        #expect(Array(message.utf8)[block.bodyStart...].elementsEqual("body".utf8))
    }

    @Test func aMessageWithoutBlankLineIsAllHeaderAndSaysSo() {
        let block = HeaderBlock(parsing: Array("Subject: only".utf8))
        #expect(block.text("Subject") == "only")
        #expect(block.defects == [.missingHeaderSeparator])
    }

    @Test func contentTypeParametersWithRFC2231ContinuationsAndCharsets() {
        let raw = Array("multipart/Mixed (comment); boundary=\"==b\\\"1==\"; charset = KOI8-R".utf8)
        let type = HeaderValueWithParameters(parsing: raw)
        #expect(type.value == "multipart/mixed")
        #expect(type.parameters["boundary"] == "==b\"1==")
        #expect(type.parameters["charset"] == "KOI8-R")

        let disposition = HeaderValueWithParameters(parsing: Array("attachment; filename*0*=utf-8''%D0%A1%D1%87%D1%91%D1%82; filename*1*=%20%E2%84%9642; filename*2=.pdf".utf8))
        #expect(disposition.value == "attachment")
        #expect(disposition.parameters["filename"] == "Счёт №42.pdf")

        let koi = HeaderValueWithParameters(parsing: Array("attachment; filename*=koi8-r'ru'%F0%D2%C9%D7%C5%D4.txt".utf8))
        #expect(koi.parameters["filename"] == "Привет.txt")

        let outlook = HeaderValueWithParameters(parsing: Array("application/pdf; name=\"=?utf-8?B?0JfQsNGP0LLQutCw?=.pdf\"".utf8))
        #expect(outlook.parameters["name"] == "Заявка.pdf")
    }

    @Test func brokenParametersAreReportedNotFatal() {
        let type = HeaderValueWithParameters(parsing: Array("text/plain; ; charset; format=flowed;".utf8))
        #expect(type.value == "text/plain")
        #expect(type.parameters == ["format": "flowed"])
        #expect(type.defects == [.malformedParameter("charset")])
    }
}

@Suite struct MboxSeparatorTests {
    @Test func aLeadingMboxFromLineIsNotTheBody() {
        let raw = "From anna@a.ru  Thu Aug 22 13:17:22 2002\nReturn-Path: <anna@a.ru>\nFrom: Anna <anna@a.ru>\nSubject: Привет\n\nbody\n"
        let summary = MessageSummary(parsing: Array(raw.utf8))
        #expect(summary.subject == "Привет")
        #expect(summary.from.map(\.address) == ["anna@a.ru"])
        #expect(summary.snippet == "body")
        #expect(summary.defects.isEmpty)
    }

    @Test func aFromFieldIsStillAField() {
        let summary = MessageSummary(parsing: Array("From: anna@a.ru\nSubject: x\n\nbody".utf8))
        #expect(summary.from.map(\.address) == ["anna@a.ru"] && summary.subject == "x")
    }
}
