import Foundation
import Testing
@testable import MIME

@Suite struct AutoReplyTests {
    /// Reads a whole message the way the mailbox sync does: headers, decoded subject, body text.
    func detect(_ raw: String, received: String = "1 Dec 2025 10:00:00 +0300") -> AutoReply? {
        let message = MIMEPart(parsing: Array(raw.utf8)[...])
        return AutoReply.detect(headers: message.headers, subject: message.headers.text("Subject"), text: message.text, received: MailDate.parse(received))
    }

    func day(_ year: Int, _ month: Int, _ day: Int) -> AutoReply.Day { AutoReply.Day(year: year, month: month, day: day) }

    static let englishWithDate = """
        From: Ivan Sidorov <sidorov@client.ru>
        To: sales@sender.ru
        Subject: Automatic reply: Offer
        Auto-Submitted: auto-replied
        X-Auto-Response-Suppress: All
        Content-Type: text/plain; charset=utf-8

        I am out of the office until 15 December with limited access to email.
        For urgent matters please contact anna@client.ru.

        """

    @Test func englishOutOfOfficeWithAReturnDay() throws {
        let reply = try #require(detect(Self.englishWithDate))
        #expect(reply.returnDate == day(2025, 12, 15))
        #expect(reply.returnDate?.description == "2025-12-15")
        #expect(reply.returnDate?.dateComponents == DateComponents(year: 2025, month: 12, day: 15))
    }

    static let englishWithoutDate = """
        From: Ivan Sidorov <sidorov@client.ru>
        Subject: Out of Office
        Content-Type: text/plain; charset=us-ascii

        I'm out of the office and will reply when I am back.

        """

    @Test func englishOutOfOfficeWithoutADay() throws {
        let reply = try #require(detect(Self.englishWithoutDate))
        #expect(reply.returnDate == nil)
    }

    static let russianWithDate = """
        From: =?utf-8?B?0JDQvdC90LA=?= <anna@client.ru>
        Subject: =?utf-8?B?0JDQstGC0L7QvtGC0LLQtdGC?=: Re: Offer
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Здравствуйте! Я в отпуске до 10 января. По срочным вопросам звоните по телефону +7 (495) 123-45-67
        или пишите коллеге.

        --
        Отправлено 20.12.2025

        """

    @Test func russianAutoReplyBeforeNewYearLandsInTheNextYear() throws {
        let reply = try #require(detect(Self.russianWithDate, received: "20 Dec 2025 12:00:00 +0300"))
        #expect(reply.returnDate == day(2026, 1, 10))
    }

    static let russianWithoutDate = """
        From: anna@client.ru
        Subject: =?utf-8?B?0J7RgtGB0YPRgtGB0YLQstGD0Y4g0LIg0L7RhNC40YHQtQ==?=
        X-Autoreply: yes
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Добрый день! Сейчас меня нет на месте, отвечу, как только вернусь.

        """

    @Test func russianAutoReplyWithoutADay() throws {
        let reply = try #require(detect(Self.russianWithoutDate))
        #expect(reply.returnDate == nil)
    }

    @Test(arguments: [
        ("I am on vacation and will be back on 12/03/2026.", "1 Mar 2026 09:00:00 +0000", "2026-03-12"),
        ("Thank you for your email. I am returning on Monday, March 3 and will reply then.", "20 Feb 2026 09:00:00 +0000", "2026-03-03"),
        ("Я в отпуске, буду в офисе 15.12.2026.", "1 Dec 2026 09:00:00 +0300", "2026-12-15"),
        ("Нахожусь в командировке до 15 декабря.", "1 Dec 2026 09:00:00 +0300", "2026-12-15"),
        ("Отсутствую. Вернусь 3 марта.", "1 Feb 2026 09:00:00 +0300", "2026-03-03"),
        ("В отпуске с 10.01 по 20.01, по срочным вопросам пишите коллеге.", "9 Jan 2026 09:00:00 +0300", "2026-01-20"),
        ("Нахожусь в отпуске, буду с 20.01", "12 Jan 2026 09:00:00 +0300", "2026-01-20"),
        ("I will be traveling for work on July 10-31.", "17 Jul 2026 09:00:00 +0000", "2026-07-31"),
        ("Away until May 5th, 2027.", "17 Jul 2026 09:00:00 +0000", "2027-05-05"),
    ])
    func returnDays(text: String, received: String, expected: String) throws {
        let raw = "From: someone@client.ru\nSubject: Out of office\nContent-Type: text/plain; charset=utf-8\n\n" + text
        let reply = try #require(detect(raw, received: received))
        #expect(reply.returnDate?.description == expected, "\(text)")
    }

    @Test(arguments: [
        "I am out of the office with limited access to email. On 12 March 2026 Ivan wrote:",
        "Back in 1.5 weeks.",
        "Работаю с 9.00 до 18.00, в отпуске.",
        "В отпуске с 10.01.",
    ])
    func datesThatAreNotAReturnAreIgnored(_ text: String) throws {
        let raw = "From: someone@client.ru\nSubject: Autoreply\nContent-Type: text/plain; charset=utf-8\n\n" + text
        let reply = try #require(detect(raw))
        #expect(reply.returnDate == nil, "\(text)")
    }

    @Test func headerSignsWithoutAnAutoReplySubject() {
        let body = "\nThank you, I will answer soon.\n"
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nAuto-Submitted: auto-replied\n" + body) != nil)
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nX-Autorespond: on\n" + body) != nil)
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nPrecedence: auto_reply\n" + body) != nil)
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nX-Apple-Action: VACATION\n" + body) != nil)
    }

    @Test func autoGeneratedCountsOnlyWithOutOfOfficeWording() {
        let header = "From: a@b.ru\nSubject: Re: Offer\nAuto-Submitted: auto-generated\n\n"
        #expect(detect(header + "I am on vacation until 15 December.") != nil)
        #expect(detect(header + "Your ticket #123 was created.") == nil)
    }

    @Test func ordinaryMessagesAreNotAutoReplies() {
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nX-Auto-Response-Suppress: All\n\nI am out of the office next week, let's talk after.") == nil)
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nAuto-Submitted: no\n\nThanks!") == nil)
        #expect(detect("From: a@b.ru\nSubject: Re: Offer\nX-Autoreply: no\n\nThanks!") == nil)
    }

    @Test func bouncesAreNotAutoReplies() {
        #expect(detect(BounceTests.postfix) == nil)
        #expect(detect(BounceTests.yandexMailboxFull) == nil)
        #expect(detect("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status Notification (Failure)\nAuto-Submitted: auto-replied\n\nAddress not found") == nil)
    }

    @Test func dayOrderAndValidity() {
        #expect(day(2026, 1, 31) < day(2026, 2, 1))
        #expect(day(2028, 2, 29).isValid)
        #expect(!day(2026, 2, 29).isValid)
        #expect(AutoReply.Day(Date(timeIntervalSince1970: 1_795_932_062)) == day(2026, 11, 29))
    }
}
