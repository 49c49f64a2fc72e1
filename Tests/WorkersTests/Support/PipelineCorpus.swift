import Foundation

/// Generated mail for the pipeline tests: Russian and English messages of every default
/// category, in UTF-8 (base64 and 8bit), windows-1251 (quoted-printable), KOI8-R (8bit),
/// ISO-8859-1 (quoted-printable) and US-ASCII, the last one a reply to the first.
enum PipelineCorpus {
    struct Message: Sendable {
        let messageID: String
        let subject: String
        let bytes: [UInt8]
        /// The Message-ID this one answers (In-Reply-To), if any.
        let answers: String?
    }

    private struct Template {
        let russian: Bool
        let subject: String
        let text: String
    }

    private static let templates: [Template] = [
        Template(russian: true, subject: "Запрос КП на поставку", text: "Добрый день! Просим выставить коммерческое предложение на поставку кабеля, пришлите прайс-лист и сроки поставки."),
        Template(russian: true, subject: "Счёт на оплату", text: "Направляем счёт на оплату и акт сверки взаиморасчётов, срок оплаты пять банковских дней."),
        Template(russian: true, subject: "Возврат заказа", text: "Заказ пришёл с повреждённой упаковкой, как оформить возврат? Нужна консультация инженера."),
        Template(russian: true, subject: "Резюме на вакансию", text: "Добрый день! Откликаюсь на вакансию менеджера по продажам, резюме во вложении."),
        Template(russian: true, subject: "Дайджест недели", text: "Дайджест недели: приглашаем на вебинар. Чтобы отписаться от рассылки, перейдите по ссылке."),
        Template(russian: true, subject: "Раскрутка сайта", text: "Раскрутка сайта в ТОП-10 за три дня! Базы данных всех предприятий со скидкой 90%."),
        Template(russian: false, subject: "Request for a quote", text: "Good afternoon! Please send us a quote and your price list with lead times for 200 m of cable."),
        Template(russian: false, subject: "Invoice for payment", text: "Please find attached the invoice payable within 5 banking days and the reconciliation statement."),
        Template(russian: false, subject: "Damaged order", text: "The order arrived with damaged packaging, how do we return it? We need an engineer's advice."),
        Template(russian: false, subject: "Application: sales manager", text: "Good afternoon! I am applying for the sales manager vacancy, my CV is attached."),
        Template(russian: false, subject: "Weekly digest", text: "Weekly digest: join our webinar. To unsubscribe from this newsletter, follow the link."),
        Template(russian: false, subject: "Top 10 in 3 days", text: "Get your website into the top 10 in 3 days! Guaranteed results, company databases 90% off."),
    ]

    private enum Encoding: CaseIterable {
        case utf8Base64, utf8EightBit, windows1251QuotedPrintable, koi8REightBit, latin1QuotedPrintable, ascii
    }

    /// `count` messages (at least 2) with Message-IDs made unique by `tag`; the last answers the first.
    static func messages(tag: String, count: Int = 60) -> [Message] {
        var result: [Message] = []
        for number in 1...max(2, count) {
            let id = "m\(number)-\(tag)@corpus.test"
            if number == max(2, count), let first = result.first {
                let subject = "Re: " + first.subject
                result.append(Message(
                    messageID: id, subject: subject,
                    bytes: build([
                        "From: \(word("Иван Петров")) <ivan1@buyer.ru>",
                        "To: sales@smartysales.test",
                        "Subject: \(word(subject))",
                        "Date: Mon, 1 Jan 2024 10:00:00 +0300",
                        "Message-ID: <\(id)>",
                        "In-Reply-To: <\(first.messageID)>",
                        "References: <\(first.messageID)>",
                        "MIME-Version: 1.0",
                        "Content-Type: text/plain; charset=us-ascii",
                    ], body: Array("Thank you, we are waiting for your answer on the quote.".utf8)),
                    answers: first.messageID))
                continue
            }
            let template = templates[(number - 1) % templates.count]
            let round = (number - 1) / templates.count
            let encodings: [Encoding] = template.russian
                ? [.utf8Base64, .windows1251QuotedPrintable, .koi8REightBit, .utf8EightBit]
                : [.ascii, .latin1QuotedPrintable, .utf8Base64]
            let encoding = encodings[round % encodings.count]
            let subject = "\(template.subject) \(number)"
            let text = template.text + (template.russian ? " Номер \(number)." : " Number \(number).")
            result.append(Message(messageID: id, subject: subject,
                                  bytes: message(id: id, number: number, subject: subject, text: text, encoding: encoding, russian: template.russian),
                                  answers: nil))
        }
        return result
    }

    private static func message(id: String, number: Int, subject: String, text: String, encoding: Encoding, russian: Bool) -> [UInt8] {
        let from = russian ? "\(word("Иван Петров")) <ivan\(number)@buyer.ru>" : "Jane Doe <jane\(number)@example.com>"
        var headers = [
            "From: \(from)",
            "To: sales@smartysales.test",
            "Date: Mon, 1 Jan 2024 10:00:00 +0300",
            "Message-ID: <\(id)>",
            "MIME-Version: 1.0",
        ]
        let body: [UInt8]
        switch encoding {
        case .utf8Base64:
            headers += ["Subject: \(word(subject))", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
            body = Array(Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]).utf8)
        case .utf8EightBit:
            headers += ["Subject: \(word(subject))", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
            body = Array(text.utf8)
        case .windows1251QuotedPrintable:
            headers += [
                "Subject: =?windows-1251?B?\(Data(windows1251(subject)).base64EncodedString())?=",
                "Content-Type: text/plain; charset=windows-1251", "Content-Transfer-Encoding: quoted-printable",
            ]
            body = Array(quotedPrintable(windows1251(text)).utf8)
        case .koi8REightBit:
            headers += [
                "Subject: =?koi8-r?B?\(Data(koi8R(subject)).base64EncodedString())?=",
                "Content-Type: text/plain; charset=koi8-r", "Content-Transfer-Encoding: 8bit",
            ]
            body = koi8R(text)
        case .latin1QuotedPrintable:
            headers += ["Subject: \(subject)", "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"]
            body = Array(quotedPrintable(latin1(text + " Merci, café.")).utf8)
        case .ascii:
            headers += ["Subject: \(subject)", "Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"]
            body = Array(text.utf8)
        }
        return build(headers, body: body)
    }

    static func build(_ headers: [String], body: [UInt8]) -> [UInt8] {
        Array((headers.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body + Array("\r\n".utf8)
    }

    /// An RFC 2047 encoded word in UTF-8.
    static func word(_ text: String) -> String {
        "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func windows1251(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar -> UInt8 in
            switch scalar.value {
            case 0..<0x80: return UInt8(scalar.value)
            case 0x0410...0x044F: return UInt8(scalar.value - 0x0410 + 0xC0)
            case 0x0401: return 0xA8
            case 0x0451: return 0xB8
            default: return UInt8(ascii: "?")
            }
        }
    }

    /// KOI8-R: the lower-case letters from 0xC0 in this order, the capitals from 0xE0.
    private static let koi8Letters = Array("юабцдефгхийклмнопярстужвьызшэщчъ".unicodeScalars)

    static func koi8R(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar -> UInt8 in
            if scalar.value < 0x80 { return UInt8(scalar.value) }
            if scalar == "ё" { return 0xA3 }
            if scalar == "Ё" { return 0xB3 }
            if let index = koi8Letters.firstIndex(of: scalar) { return UInt8(0xC0 + index) }
            let lower = Character(scalar).lowercased().unicodeScalars
            if lower.count == 1, let first = lower.first, let index = koi8Letters.firstIndex(of: first) { return UInt8(0xE0 + index) }
            return UInt8(ascii: "?")
        }
    }

    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar -> UInt8 in scalar.value < 0x100 ? UInt8(scalar.value) : UInt8(ascii: "?") }
    }

    /// Quoted-printable with soft line breaks before 76 characters, never inside an escape.
    static func quotedPrintable(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF")
        var lines: [String] = []
        var line = ""
        for byte in bytes {
            let piece = byte >= 0x80 || byte == UInt8(ascii: "=")
                ? "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
                : String(UnicodeScalar(byte))
            if line.count + piece.count > 72 {
                lines.append(line + "=")
                line = ""
            }
            line += piece
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }
}
