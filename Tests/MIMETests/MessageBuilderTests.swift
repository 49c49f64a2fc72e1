import Foundation
import Testing
@testable import MIME

@Suite struct MessageBuilderTests {
    static let anna = MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")
    static let boris = MailAddress(name: "Борис Сидоров", address: "boris@example.ru")
    static let sunday = Date(timeIntervalSince1970: 1_795_932_062) // 2026-11-29 06:01:02 UTC

    static func message(
        subject: String = "Счёт на оплату №42",
        textBody: String = "Добрый день!\nПрошу оплатить счёт.",
        htmlBody: String? = nil,
        attachments: [OutgoingMessage.Attachment] = []
    ) -> OutgoingMessage {
        OutgoingMessage(from: anna, to: [boris], subject: subject, textBody: textBody, htmlBody: htmlBody, attachments: attachments, date: sunday)
    }

    func parse(_ bytes: [UInt8]) -> MIMEPart { MIMEPart(parsing: bytes[...]) }

    func textLeaf(_ root: MIMEPart, _ type: String = "text/plain") -> MIMEPart? {
        root.allParts.first { $0.children.isEmpty && !$0.isAttachment && $0.contentType.value == type }
    }

    /// The text as the builder must send it: CRLF line ends and a final CRLF.
    func crlf(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte == 0x0A { bytes += [0x0D, 0x0A] } else { bytes.append(byte) }
        }
        if let last = bytes.last, last != 0x0A { bytes += [0x0D, 0x0A] }
        return bytes
    }

    @Test func cyrillicHeadersNamesFilenamesAndBodiesReadBackTheSame() {
        let subject = String(repeating: "Коммерческое предложение ООО «Ромашка» — ", count: 5)
        let invoice = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var outgoing = Self.message(
            subject: subject, htmlBody: "<p>Добрый день!</p>",
            attachments: [.init(filename: "Счёт №42 от 29.11.2026.pdf", contentType: "application/pdf", data: invoice)])
        outgoing.cc = [MailAddress(name: "Петрова, Анна (бухгалтерия)", address: "buh@romashka.ru"), MailAddress(name: nil, address: "sales@romashka.ru")]
        let bytes = MessageBuilder().build(outgoing)
        checkWireRules(bytes, allLinesWithin78: true)

        let summary = MessageSummary(parsing: bytes)
        #expect(summary.subject == subject)
        #expect(summary.from == [Self.anna])
        #expect(summary.to == [Self.boris])
        #expect(summary.cc == outgoing.cc)
        #expect(summary.date == Self.sunday)
        #expect(summary.messageID == outgoing.messageID)
        #expect(summary.snippet == "Добрый день!\nПрошу оплатить счёт.")
        #expect(summary.attachments.map(\.filename) == ["Счёт №42 от 29.11.2026.pdf"])
        #expect(summary.attachments.map(\.contentType) == ["application/pdf"])
        #expect(summary.attachments.map(\.size) == [invoice.count])
        #expect(summary.defects.isEmpty)

        let root = parse(bytes)
        #expect(root.contentType.value == "multipart/mixed")
        #expect(root.children.map(\.contentType.value) == ["multipart/alternative", "application/pdf"])
        #expect(root.children[1].body == invoice)
        #expect(root.children[1].contentType.parameters["name"] == "Счёт №42 от 29.11.2026.pdf", "the old-Outlook name= form")
        #expect(textLeaf(root)?.body == crlf(outgoing.textBody))
        #expect(textLeaf(root, "text/html")?.text == "<p>Добрый день!</p>\r\n")
    }

    @Test func encodedWordsStayWithin75CharactersAndNeverSplitACharacter() {
        let family = "👨‍👩‍👧‍👦"
        let subjects = [
            String(repeating: "Ж", count: 200),
            String(repeating: family, count: 12),
            String(repeating: "e\u{301}", count: 80),
            "Re: " + String(repeating: "длинноеслово", count: 20) + " и " + String(repeating: "x", count: 120),
            "x" + String(repeating: "\u{301}", count: 60),
        ]
        for subject in subjects {
            let bytes = MessageBuilder().build(Self.message(subject: subject))
            checkWireRules(bytes, allLinesWithin78: true)
            #expect(MessageSummary(parsing: bytes).subject == subject)
            #expect(!encodedWords(in: bytes).isEmpty)
        }
    }

    @Test func displayNamesUseAtomsQuotesOrEncodedWordsAsNeeded() {
        let names = [
            "Anna Petrova", "Petrova, Anna", "O'Brien (sales)", "Say \"hi\"", "back\\slash", "Анна",
            "Константин Константинопольский-Переславский Александрович", "=?utf-8?B?not-a-word?=",
        ]
        var outgoing = Self.message()
        outgoing.to = names.enumerated().map { MailAddress(name: $1, address: "person\($0)@example.ru") }
        let bytes = MessageBuilder().build(outgoing)
        checkWireRules(bytes, allLinesWithin78: true)
        #expect(MessageSummary(parsing: bytes).to == outgoing.to)
        let header = String(decoding: bytes, as: UTF8.self)
        #expect(header.contains("To: Anna Petrova <person0@example.ru>,"))
        #expect(header.contains("\"Petrova, Anna\" <person1@example.ru>"))
    }

    @Test func filenamesUseRFC2231AndTheOutlookNameForm() {
        let names = ["report.pdf", "Отчёт.xlsx", String(repeating: "Очень длинное имя файла ", count: 8) + ".docx", "with \"quotes\" and \\.txt", "😀.png"]
        let outgoing = Self.message(attachments: names.map { .init(filename: $0, contentType: "application/octet-stream", data: [1, 2, 3]) })
        let bytes = MessageBuilder().build(outgoing)
        checkWireRules(bytes, allLinesWithin78: true)
        let attachments = parse(bytes).allParts.filter(\.isAttachment)
        #expect(attachments.map(\.filename) == names.map(Optional.some))
        #expect(attachments.map { $0.contentType.parameters["name"] } == names.map(Optional.some))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("Content-Disposition: attachment; filename=report.pdf\r\n"))
        #expect(text.contains("filename*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.xlsx\r\n"))
        #expect(text.contains("filename*0*=utf-8''"))
        #expect(text.contains("filename*1*="))
        #expect(text.contains("name=\"=?utf-8?B?"))
    }

    @Test func bccIsNeverWrittenButStaysInTheEnvelope() {
        var outgoing = Self.message()
        outgoing.bcc = [MailAddress(name: "Тайный", address: "secret@example.ru")]
        let bytes = MessageBuilder().build(outgoing)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("secret@example.ru"))
        #expect(!text.lowercased().contains("bcc:"))
        #expect(outgoing.envelopeRecipients == ["boris@example.ru", "secret@example.ru"])

        outgoing.to = []
        let bccOnly = MessageBuilder().build(outgoing)
        #expect(String(decoding: bccOnly, as: UTF8.self).contains("To: undisclosed-recipients:;\r\n"))
        #expect(MessageSummary(parsing: bccOnly).to.isEmpty)
    }

    @Test func repliesCarryInReplyToReferencesAndOneRe() {
        let parentBytes = Array("""
            From: =?utf-8?B?0JHQvtGA0LjRgQ==?= <boris@example.ru>\r
            To: anna@romashka.ru\r
            Subject: =?utf-8?B?0KHRh9GR0YIg4oSWNDI=?=\r
            Message-ID: <parent-2@example.ru>\r
            References: <root-0@romashka.ru> <middle-1@example.ru>\r
            \r
            body\r

            """.utf8)
        let parent = MessageSummary(parsing: parentBytes)
        let reply = OutgoingMessage(from: Self.anna, to: [], subject: "", textBody: "Спасибо!", date: Self.sunday).replying(to: parent)
        #expect(reply.subject == "Re: Счёт №42")
        #expect(reply.to == [MailAddress(name: "Борис", address: "boris@example.ru")])
        let summary = MessageSummary(parsing: MessageBuilder().build(reply))
        #expect(summary.inReplyTo == ["parent-2@example.ru"])
        #expect(summary.references == ["root-0@romashka.ru", "middle-1@example.ru", "parent-2@example.ru"])
        #expect(summary.subject == "Re: Счёт №42")

        // Answering the answer keeps a single "Re:"; a parent with only In-Reply-To starts the chain from it.
        let second = MessageSummary(parsing: Array("Subject: RE: Счёт\r\nMessage-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\n\r\n".utf8))
        let again = Self.message().replying(to: second)
        #expect(again.subject == "RE: Счёт")
        #expect(again.references == ["a@x", "b@x"])
        #expect(again.to == [Self.boris], "recipients already set are kept")
    }

    @Test func bodyEncodingFollowsTheTextAndTheServer() {
        func encoding(_ text: String, allows8bit: Bool) -> String? {
            let bytes = MessageBuilder(allows8bit: allows8bit).build(Self.message(textBody: text))
            let root = parse(bytes)
            #expect(root.body == crlf(text), "the body reads back whatever the encoding")
            checkWireRules(bytes, allLinesWithin78: false)
            if !allows8bit { #expect(bytes.allSatisfy { $0 < 0x80 }, "7-bit clean without 8BITMIME") }
            return root.headers.text("Content-Transfer-Encoding")
        }
        let russian = "Добрый день! Направляем коммерческое предложение.\nС уважением, Анна"
        let mostlyEnglish = "Hello Boris, the invoice total is 1 200 € = 110 000 ₽.\nRegards"
        let longASCIILine = String(repeating: "0123456789", count: 120)
        #expect(encoding("Hello Boris,\nplain ASCII.", allows8bit: false) == "7bit")
        #expect(encoding(russian, allows8bit: true) == "8bit")
        #expect(encoding(russian, allows8bit: false) == "base64")
        #expect(encoding(mostlyEnglish, allows8bit: false) == "quoted-printable")
        #expect(encoding(longASCIILine, allows8bit: true) == "quoted-printable")
        #expect(encoding(String(repeating: "Ж", count: 600), allows8bit: true) == "base64", "1200 octets on one line is past 998")
        #expect(encoding("", allows8bit: false) == "7bit")
    }

    @Test func quotedPrintableKeepsLinesShortAndReadsBackExactly() {
        let inputs = [
            "trailing blanks \t\r\nnext", "a=b", String(repeating: "é", count: 100), String(repeating: "x", count: 75) + "=",
            String(repeating: "y", count: 76), "lone\rcr and lone\nlf", "",
        ]
        for input in inputs {
            let encoded = QuotedPrintableEncoder.encode(Array(input.utf8))
            #expect(QuotedPrintable.decode(encoded).bytes == Array(input.utf8))
            #expect(!QuotedPrintable.decode(encoded).sawGarbage)
            for line in String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 76)
                #expect(line.last != " " && line.last != "\t", "no blank at a line end")
            }
        }
    }

    @Test func base64BodiesAreWrappedAt76() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let encoded = Base64Encoder.encodeLines(data)
        #expect(Base64Tolerant.decode(encoded).bytes == data)
        let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 || $0 == lines[lines.count - 2] })
        #expect(lines.last == "")
        #expect(Base64Encoder.encode(Array("Ж".utf8)) == Array("0JY=".utf8))
        #expect(Base64Encoder.encodeLines([]).isEmpty)
    }

    @Test func headerValuesCannotInjectFields() {
        var outgoing = Self.message(subject: "Hello\r\nBcc: victim@example.ru")
        outgoing.to = [MailAddress(name: "Eve\r\nBcc: x@y.ru", address: "eve@example.ru>\r\nBcc: z@y.ru")]
        outgoing.extraHeaders = [.init(name: "X-Campaign", value: "spring\r\nBcc: w@y.ru")]
        let bytes = MessageBuilder().build(outgoing)
        checkWireRules(bytes, allLinesWithin78: true)
        let header = HeaderBlock(parsing: bytes)
        #expect(header.all("Bcc").isEmpty)
        #expect(header.text("Subject") == "Hello\r\nBcc: victim@example.ru")
    }

    @Test func extraHeadersAreWrittenUnlessTheBuilderOwnsThem() {
        var outgoing = Self.message()
        let unsubscribe = "<mailto:unsubscribe@romashka.ru?subject=unsubscribe>, <https://romashka.ru/unsubscribe/" + String(repeating: "a1b2", count: 20) + ">"
        outgoing.extraHeaders = [
            .init(name: "List-Unsubscribe", value: unsubscribe),
            .init(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
            .init(name: "X-Кампания", value: "bad name"),
            .init(name: "Content-Type", value: "text/evil"),
            .init(name: "X-Note", value: "Заметка"),
        ]
        let bytes = MessageBuilder().build(outgoing)
        checkWireRules(bytes, allLinesWithin78: false)
        let header = HeaderBlock(parsing: bytes)
        #expect(header.text("List-Unsubscribe") == unsubscribe)
        #expect(header.text("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        #expect(header.text("X-Note") == "Заметка")
        #expect(header.all("Content-Type").count == 1)
        #expect(header.text("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(!header.fields.contains { $0.name.hasPrefix("X-К") })
    }

    @Test func messageIDsAreGeneratedOnceAndDatesWrittenInRFC5322() {
        let first = Self.message()
        let second = Self.message()
        #expect(first.messageID != second.messageID)
        #expect(first.messageID.hasSuffix("@romashka.ru"))
        #expect(first.messageID.count == 32 + "@romashka.ru".count)
        let idn = OutgoingMessage(from: MailAddress(name: nil, address: "info@ромашка.рф"), to: [], subject: "", textBody: "")
        #expect(idn.messageID.hasSuffix("@smartysales.invalid"))
        let given = OutgoingMessage(from: Self.anna, to: [], subject: "", textBody: "", inReplyTo: ["<a@b>"], messageID: "<fixed@romashka.ru>")
        #expect(given.messageID == "fixed@romashka.ru")
        #expect(given.inReplyTo == ["a@b"])

        let moscow = TimeZone(secondsFromGMT: 3 * 3600)!
        #expect(MessageBuilder.dateText(Self.sunday, in: moscow) == "Sun, 29 Nov 2026 09:01:02 +0300")
        #expect(MessageBuilder.dateText(Self.sunday, in: TimeZone(secondsFromGMT: -(3 * 3600 + 1800))!) == "Sun, 29 Nov 2026 02:31:02 -0330")
        let bytes = MessageBuilder(timeZone: moscow).build(first)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("Date: Sun, 29 Nov 2026 09:01:02 +0300\r\n"))
        #expect(MessageSummary(parsing: bytes).date == Self.sunday)
    }

    @Test func partsNestAsTheContentNeeds() {
        let plain = parse(MessageBuilder().build(Self.message()))
        #expect(plain.contentType.value == "text/plain")
        #expect(plain.contentType.parameters["charset"] == "utf-8")

        let alternative = parse(MessageBuilder().build(Self.message(htmlBody: "<b>Привет</b>")))
        #expect(alternative.contentType.value == "multipart/alternative")
        #expect(alternative.children.map(\.contentType.value) == ["text/plain", "text/html"])

        let eightBit = MessageBuilder(allows8bit: true).build(Self.message(htmlBody: "<b>Привет</b>"))
        #expect(parse(eightBit).headers.text("Content-Transfer-Encoding") == "8bit", "a multipart says when 8-bit text is inside")

        let withFile = parse(MessageBuilder().build(Self.message(attachments: [.init(filename: "a.eml", contentType: "message/rfc822", data: [65])])))
        #expect(withFile.children.map(\.contentType.value) == ["text/plain", "application/octet-stream"], "message/* may not be base64")
        #expect(MessageBuilder.mediaType(" Image/PNG ") == "image/png")
        #expect(MessageBuilder.mediaType("pdf") == "application/octet-stream")
        #expect(MessageBuilder.mediaType("text/plain\r\nBcc: x") == "application/octet-stream")
    }

    // MARK: Wire rules

    /// CRLF and nothing else ends every line, the last included; no line passes 998 octets (78
    /// when the content allows it); every encoded word is at most 75 characters and decodes to
    /// whole UTF-8 characters on its own.
    func checkWireRules(_ bytes: [UInt8], allLinesWithin78: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes.suffix(2).elementsEqual([0x0D, 0x0A]), "ends with CRLF", sourceLocation: sourceLocation)
        var lineStart = 0
        for index in bytes.indices {
            if bytes[index] == 0x0D {
                #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "bare CR at \(index)", sourceLocation: sourceLocation)
            } else if bytes[index] == 0x0A {
                #expect(index > 0 && bytes[index - 1] == 0x0D, "bare LF at \(index)", sourceLocation: sourceLocation)
                let length = index - 1 - lineStart
                let limit = allLinesWithin78 ? 78 : 998
                #expect(length <= limit, "line of \(length) octets: \(String(decoding: bytes[lineStart..<index], as: UTF8.self))", sourceLocation: sourceLocation)
                lineStart = index + 1
            }
        }
        for word in encodedWords(in: bytes) {
            #expect(word.length <= 75, "encoded word of \(word.length) characters", sourceLocation: sourceLocation)
            #expect(CharsetGuess.isValidUTF8(word.decoded), "an encoded word with part of a character", sourceLocation: sourceLocation)
        }
    }

    func encodedWords(in bytes: [UInt8]) -> [(length: Int, decoded: [UInt8])] {
        var words: [(length: Int, decoded: [UInt8])] = []
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"), let word = EncodedWords.parseWord(bytes, from: index) {
                words.append((word.end - index, Base64Tolerant.decode(word.payload).bytes))
                index = word.end
            } else {
                index += 1
            }
        }
        return words
    }
}
