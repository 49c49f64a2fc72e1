import Foundation
import Testing
@testable import MIME

/// Bounce fixtures are written for these tests (addresses and hosts invented); each follows the
/// layout of the mail server it imitates.
@Suite struct BounceTests {
    func parse(_ text: String) -> MIMEPart { MIMEPart(parsing: Array(text.utf8)[...]) }
    func bounce(_ text: String) -> Bounce? { Bounce.detect(in: parse(text)) }

    static let postfix = """
        Return-Path: <>
        Date: Mon, 12 Jan 2026 10:00:05 +0300 (MSK)
        From: MAILER-DAEMON@mx.sender.ru (Mail Delivery System)
        To: manager@sender.ru
        Subject: Undelivered Mail Returned to Sender
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
         boundary="7B1C2D3E4F.1736665205/mx.sender.ru"

        This is a MIME-encapsulated message.

        --7B1C2D3E4F.1736665205/mx.sender.ru
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.sender.ru.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients. It's attached below.

        For further assistance, please send mail to postmaster.

                           The mail system

        <ivanov@client.ru>: host mx.client.ru[203.0.113.5] said: 550 5.1.1
            <ivanov@client.ru>: Recipient address rejected: User unknown in local
            recipient table (in reply to RCPT TO command)

        --7B1C2D3E4F.1736665205/mx.sender.ru
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.ru
        X-Postfix-Queue-ID: 7B1C2D3E4F
        X-Postfix-Sender: rfc822; manager@sender.ru
        Arrival-Date: Mon, 12 Jan 2026 10:00:00 +0300 (MSK)

        Final-Recipient: rfc822; ivanov@client.ru
        Original-Recipient: rfc822;ivanov@client.ru
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx.client.ru
        Diagnostic-Code: smtp; 550 5.1.1 <ivanov@client.ru>: Recipient address
            rejected: User unknown in local recipient table

        --7B1C2D3E4F.1736665205/mx.sender.ru
        Content-Description: Undelivered Message
        Content-Type: message/rfc822

        From: Manager <manager@sender.ru>
        To: ivanov@client.ru
        Subject: =?utf-8?B?0JrQvtC80LzQtdGA0YfQtdGB0LrQvtC1INC/0YDQtdC00LvQvtC20LXQvdC40LU=?=
        Content-Type: text/plain; charset=utf-8

        Добрый день!

        --7B1C2D3E4F.1736665205/mx.sender.ru--

        """

    @Test func postfixReportWithDeliveryStatus() throws {
        let result = try #require(bounce(Self.postfix))
        #expect(result.recipients.count == 1)
        let recipient = result.recipients[0]
        #expect(recipient.address == "ivanov@client.ru")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.replyCode == "550")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
        #expect(recipient.diagnostic == "550 5.1.1 <ivanov@client.ru>: Recipient address rejected: User unknown in local recipient table")
    }

    @Test func crlfLineEndsReadTheSame() {
        let crlf = Self.postfix.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(bounce(crlf) == bounce(Self.postfix))
    }

    @Test func deliveryStatusFieldsAreReadGroupByGroup() throws {
        let message = parse(Self.postfix)
        #expect(DeliveryStatusReport.reportType(of: message) == "delivery-status")
        let report = try #require(DeliveryStatusReport.find(in: message))
        #expect(report.reportingMTA == "mx.sender.ru")
        #expect(report.recipients.count == 1)
        let fields = report.recipients[0]
        #expect(fields.finalRecipient == "ivanov@client.ru")
        #expect(fields.originalRecipient == "ivanov@client.ru")
        #expect(fields.action == "failed")
        #expect(fields.status == "5.1.1")
        #expect(fields.remoteMTA == "mx.client.ru")
        #expect(fields.diagnosticType == "smtp")
        #expect(fields.diagnosticCode == "550 5.1.1 <ivanov@client.ru>: Recipient address rejected: User unknown in local recipient table")
        #expect(!fields.reportsSuccess)
    }

    @Test func deliveryStatusToleratesProseFoldingAndCRLF() {
        let body = "Reporting-MTA: dns; mx.a.ru\r\n\r\nsome prose the relay added\r\nFinal-Recipient: rfc822;\r\n <Anna@B.ru>\r\nStatus: 4.2.2 (mailbox full)\r\n\r\n\r\nFinal-Recipient: rfc822; c@d.ru\r\nAction: delivered\r\nStatus: 2.0.0\r\n"
        let report = DeliveryStatusReport(parsing: Array(body.utf8))
        #expect(report.recipients.map(\.address) == ["Anna@B.ru", "c@d.ru"])
        #expect(report.recipients.map(\.status) == ["4.2.2", "2.0.0"])
        #expect(report.recipients.map(\.reportsSuccess) == [false, true])
    }

    static let postfixMailboxFull = """
        Return-Path: <>
        From: MAILER-DAEMON@mx.sender.ru (Mail Delivery System)
        To: manager@sender.ru
        Subject: Undelivered Mail Returned to Sender
        Content-Type: multipart/report; report-type=delivery-status; boundary="R2"

        --R2
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.sender.ru.

        <zakupki@factory.ru>: host mx.factory.ru[198.51.100.20] said: 552 5.2.2
            <zakupki@factory.ru>: Mailbox full (in reply to RCPT TO command)

        --R2
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.ru

        Final-Recipient: rfc822; zakupki@factory.ru
        Action: failed
        Status: 5.2.2
        Remote-MTA: dns; mx.factory.ru
        Diagnostic-Code: smtp; 552 5.2.2 <zakupki@factory.ru>: Mailbox full

        Final-Recipient: rfc822; director@factory.ru
        Action: delivered
        Status: 2.0.0
        Remote-MTA: dns; mx.factory.ru

        --R2--

        """

    @Test func fullMailboxIsSoftAndDeliveredRecipientsAreLeftOut() throws {
        let result = try #require(bounce(Self.postfixMailboxFull))
        #expect(result.recipients.map(\.address) == ["zakupki@factory.ru"])
        let recipient = result.recipients[0]
        #expect(recipient.status == "5.2.2")
        #expect(recipient.replyCode == "552")
        #expect(recipient.reason == "mailboxfull")
        #expect(!recipient.hard)
    }

    static let postfixDelayed = """
        From: MAILER-DAEMON@mx.sender.ru (Mail Delivery System)
        To: sales@sender.ru
        Subject: Delayed Mail (still being retried)
        Content-Type: multipart/report; report-type=delivery-status; boundary="D3"

        --D3
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.sender.ru.

        ####################################################################
        # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
        ####################################################################

        <office@slow.example>: connect to mx.slow.example[192.0.2.44]:25: Connection
            timed out

        --D3
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.ru

        Final-Recipient: rfc822; office@slow.example
        Action: delayed
        Status: 4.4.1
        Diagnostic-Code: X-Postfix; connect to mx.slow.example[192.0.2.44]:25:
            Connection timed out
        Will-Retry-Until: Mon, 19 Jan 2026 10:00:00 +0300 (MSK)

        --D3--

        """

    @Test func delayWarningIsATemporaryFailure() throws {
        let recipient = try #require(bounce(Self.postfixDelayed)?.recipients.first)
        #expect(recipient.address == "office@slow.example")
        #expect(recipient.status == "4.4.1")
        #expect(recipient.replyCode == "")
        #expect(recipient.reason == "expired")
        #expect(!recipient.hard)
    }

    static let exim = """
        Return-path: <>
        From: Mail Delivery System <Mailer-Daemon@mail.sender.ru>
        To: sales@sender.ru
        Subject: Mail delivery failed: returning message to sender
        X-Failed-Recipients: petrov@nowhere.example
        Auto-Submitted: auto-replied
        Content-Type: text/plain; charset=us-ascii

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          petrov@nowhere.example
            host mx.nowhere.example [198.51.100.7]
            SMTP error from remote mail server after RCPT TO:<petrov@nowhere.example>:
            550 5.1.1 <petrov@nowhere.example>: no such user here

        ------ This is a copy of the message, including all the headers. ------

        Return-path: <sales@sender.ru>
        Received: from sales by mail.sender.ru with local (Exim 4.96)
        \tid 1tXyZa-000ABC-2D
        \tfor petrov@nowhere.example; Mon, 12 Jan 2026 10:00:00 +0300
        From: Sales <sales@sender.ru>
        To: petrov@nowhere.example
        Subject: Offer

        Hello!

        """

    @Test func eximPlainTextBounce() throws {
        let result = try #require(bounce(Self.exim))
        #expect(result.recipients.count == 1)
        let recipient = result.recipients[0]
        #expect(recipient.address == "petrov@nowhere.example")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.replyCode == "550")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
        #expect(recipient.diagnostic?.contains("no such user here") == true)
    }

    static let exchange = """
        From: Microsoft Outlook <postmaster@client.onmicrosoft.com>
        To: sales@sender.ru
        Subject: Undeliverable: Offer
        Content-Type: text/plain; charset=utf-8

        Delivery has failed to these recipients or groups:

        sidorov@client.ru
        The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.

        Diagnostic information for administrators:

        Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com

        sidorov@client.ru
        Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

        Original message headers:

        Received: from mail.sender.ru (203.0.113.9) by AM0PR01MB1234.eurprd01.prod.exchangelabs.com
        From: Sales <sales@sender.ru>
        To: <sidorov@client.ru>

        """

    @Test func exchangeNonDeliveryReport() throws {
        let result = try #require(bounce(Self.exchange))
        #expect(result.recipients.map(\.address) == ["sidorov@client.ru"])
        let recipient = result.recipients[0]
        #expect(recipient.status == "5.1.10")
        #expect(recipient.replyCode == "550")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
    }

    static let gmail = """
        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
        To: sales@sender.ru
        Subject: Delivery Status Notification (Failure)
        Content-Type: text/plain; charset=UTF-8

        ** Address not found **

        Your message wasn't delivered to nobody.here@gmail.com because the address couldn't be found, or is unable to receive mail.

        The response from the remote server was:
        550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. a1si1234567 - gsmtp

        ----- Original message -----

        DKIM-Signature: v=1; a=rsa-sha256; d=sender.ru; s=mail
        From: Sales <sales@sender.ru>
        To: nobody.here@gmail.com
        Subject: Offer

        """

    @Test func gmailAddressNotFound() throws {
        let recipient = try #require(bounce(Self.gmail)?.recipients.first)
        #expect(recipient.address == "nobody.here@gmail.com")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.replyCode == "550")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
    }

    static let qmail = """
        From: MAILER-DAEMON@mail.sender.ru
        To: sales@sender.ru
        Subject: failure notice

        Hi. This is the qmail-send program at mail.sender.ru.
        I'm afraid I wasn't able to deliver your message to the following addresses.
        This is a permanent error; I've given up. Sorry it didn't work out.

        <old.address@client.ru>:
        203.0.113.77 does not like recipient.
        Remote host said: 550 5.1.1 <old.address@client.ru>... User unknown
        Giving up on 203.0.113.77.

        --- Below this line is a copy of the message.

        Return-Path: <sales@sender.ru>
        From: sales@sender.ru
        To: old.address@client.ru

        """

    @Test func qmailFailureNotice() throws {
        let recipient = try #require(bounce(Self.qmail)?.recipients.first)
        #expect(recipient.address == "old.address@client.ru")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
    }

    static let mailRu = """
        From: Mail Delivery System <MAILER-DAEMON@corp.mail.ru>
        To: sales@sender.ru
        Subject: =?utf-8?B?0J3QtdC00L7RgdGC0LDQstC70LXQvdC90L7QtSDRgdC+0L7QsdGJ0LXQvdC40LU=?=
        X-Failed-Recipients: net.takogo@mail.ru
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Это письмо создано автоматически сервером Mail.Ru, отвечать на него не нужно.

        К сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:

        net.takogo@mail.ru
        SMTP error from remote mail server after RCPT TO:<net.takogo@mail.ru>:
        host mxs.mail.ru [94.100.180.31]: 550 Message was not accepted -- invalid mailbox.  Local mailbox net.takogo@mail.ru is unavailable: user not found

        Рекомендуем Вам проверить корректность указания адресов получателей.

        --- Ниже приведен оригинал вашего сообщения ---

        From: Sales <sales@sender.ru>
        To: net.takogo@mail.ru

        """

    @Test func mailRuRussianBounceDerivesTheStatusFromTheReplyCode() throws {
        let recipient = try #require(bounce(Self.mailRu)?.recipients.first)
        #expect(recipient.address == "net.takogo@mail.ru")
        #expect(recipient.replyCode == "550")
        #expect(recipient.status == "5.0.0")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
    }

    static let yandexMailboxFull = """
        From: mailer-daemon@yandex.ru
        To: sales@sender.ru
        Subject: =?utf-8?B?0J3QtdC00L7RgdGC0LDQstC70LXQvdC90L7QtSDRgdC+0L7QsdGJ0LXQvdC40LU=?=
        Auto-Submitted: auto-replied
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Здравствуйте!

        Это письмо отправлено почтовым роботом Яндекс Почты.
        Ваше сообщение не было доставлено по адресу:

        <polnyi.yashchik@yandex.ru>: host mx.yandex.ru[77.88.21.249] said: 552 5.2.2
            Mailbox size limit exceeded (in reply to end of DATA command)

        Ящик получателя переполнен. Попробуйте отправить письмо позже.

        """

    @Test func yandexFullMailboxIsSoft() throws {
        let recipient = try #require(bounce(Self.yandexMailboxFull)?.recipients.first)
        #expect(recipient.address == "polnyi.yashchik@yandex.ru")
        #expect(recipient.status == "5.2.2")
        #expect(recipient.replyCode == "552")
        #expect(recipient.reason == "mailboxfull")
        #expect(!recipient.hard)
    }

    static let feedbackReport = """
        From: Mail.ru Feedback Loop <fbl@corp.mail.ru>
        To: abuse@sender.ru
        Subject: Abuse report
        Content-Type: multipart/report; report-type=feedback-report; boundary="F1"

        --F1
        Content-Type: text/plain; charset=utf-8

        This is an email abuse report for an email message received from IP 203.0.113.9.

        --F1
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: MailRuFBL/1.0
        Version: 1
        Original-Mail-From: <sales@sender.ru>
        Original-Rcpt-To: <complainer@mail.ru>
        Source-IP: 203.0.113.9

        --F1
        Content-Type: text/rfc822-headers

        From: Sales <sales@sender.ru>
        To: complainer@mail.ru
        Subject: Offer

        --F1--

        """

    @Test func abuseFeedbackReportIsAFeedbackNotAHardBounce() throws {
        let recipient = try #require(bounce(Self.feedbackReport)?.recipients.first)
        #expect(recipient.address == "complainer@mail.ru")
        #expect(recipient.reason == "feedback")
        #expect(recipient.status == "")
        #expect(!recipient.hard)
        #expect(recipient.diagnostic == "abuse")
    }

    static let amazonSES = #"""
        From: AWS Notifications <no-reply@sns.amazonaws.com>
        To: bounces@sender.ru
        Subject: AWS Notification Message
        Content-Type: text/plain; charset=UTF-8

        {
          "Type" : "Notification",
          "Message" : "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"Gone@Example.COM\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},\"mail\":{\"source\":\"sales@sender.ru\"}}"
        }

        """#

    @Test func amazonSESNotification() throws {
        let recipient = try #require(bounce(Self.amazonSES)?.recipients.first)
        #expect(recipient.address == "gone@example.com")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.replyCode == "550")
        #expect(recipient.reason == "userunknown")
        #expect(recipient.hard)
    }

    static let ordinaryReply = """
        From: Anna Petrova <anna@client.ru>
        To: sales@sender.ru
        Subject: Re: Offer
        Content-Type: text/plain; charset=utf-8

        Добрый день! Прошлое письмо было undeliverable из-за нашего фильтра, пишите на zakupki@client.ru.
        Delivery failed? Нет, всё дошло. 550 5.1.1 — это не про нас.

        """

    @Test func ordinaryMessagesAndAutoRepliesAreNotBounces() {
        #expect(bounce(Self.ordinaryReply) == nil)
        #expect(bounce(AutoReplyTests.englishWithDate) == nil)
        #expect(bounce("") == nil)
    }

    @Test func mailboxLineBeforeTheHeaderIsSkipped() throws {
        let recipient = try #require(bounce("From MAILER-DAEMON Mon Jan 12 10:00:00 2026\n" + Self.exim)?.recipients.first)
        #expect(recipient.address == "petrov@nowhere.example")
    }

    @Test(arguments: [
        ("550 5.1.1 <a@b.ru>... User unknown", "", "5.1.1", "userunknown"),
        ("550 Unknown user ivan@client.ru", "ivan@client.ru: host mx.client.ru said: 550 Unknown user ivan@client.ru (in reply to end of DATA command)", "5.0.0", "filtered"),
        ("", "SMTP error from remote mail server after MAIL FROM:<me@sender.ru>: 550 5.1.1 <me@sender.ru>: user unknown", "5.1.1", "rejected"),
        ("554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org", "", "5.7.1", "blocked"),
        ("552 5.2.2 Ящик получателя переполнен", "", "5.2.2", "mailboxfull"),
        ("", "", "4.4.7", "expired"),
        ("", "", "5.1.2", "hostunknown"),
        ("550 5.7.1 Message rejected under suspicion of SPAM", "", "5.7.1", "spamdetected"),
        ("550 5.2.1 The email account that you tried to reach is disabled.", "", "5.2.1", "suspend"),
        ("550 5.4.1 Recipient address rejected: Access denied", "", "5.4.1", "userunknown"),
        ("553 5.1.2 neko.example.com does not exist", "", "5.1.2", "hostunknown"),
        ("550 Адресат не найден", "", "5.0.0", "userunknown"),
    ])
    func reasonsFromWordingContextAndStatus(diagnostic: String, segment: String, status: String, reason: String) {
        let found = BounceReasonClassifier.classify(
            diagnostic: BounceText.folded(diagnostic), segment: BounceText.folded(segment), report: [], status: status
        )
        #expect(found == reason, "\(diagnostic) \(segment)")
    }

    @Test func onlyAGoneAddressOrDomainIsHard() {
        #expect(BounceReasonClassifier.hardReasons == ["userunknown", "hostunknown", "notaccept", "hasmoved"])
    }

    @Test func codesAreFoundButNotInsideAddressesOrVersions() {
        #expect(BounceText.enhancedStatus(in: "host [192.0.2.5] said: 550 5.7.1 denied") == "5.7.1")
        #expect(BounceText.enhancedStatus(in: "Exim 4.96 at 10.4.5.1") == nil)
        #expect(BounceText.enhancedStatus(in: "(#5.5.0)") == "5.5.0")
        #expect(BounceText.replyCode(in: "550-5.7.26 Unauthenticated email") == "550")
        #expect(BounceText.replyCode(in: "SIZE=1543: host [203.0.113.5]: 451 try later") == "451")
        #expect(BounceText.replyCode(in: "port 25 and 2500 items") == nil)
        #expect(BounceText.addresses(in: "To: <Ivan.Petrov@Client.RU>, mailto:a@b.ru.") == ["ivan.petrov@client.ru", "a@b.ru"])
        let quoted = BounceText.quotedReply(in: "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>")
        #expect(quoted?.code == "421")
        #expect(quoted?.status == "4.4.2")
    }
}
