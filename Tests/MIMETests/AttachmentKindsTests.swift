import Testing
@testable import MIME

@Suite struct AttachmentKindsTests {
    static let invite = """
        From: Anna <anna@a.ru>\r
        Subject: Invitation: Встреча по договору\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: multipart/related; boundary="b2"\r
        \r
        --b2\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <p>Логотип: <img src="cid:logo@a.ru"></p>\r
        --b2\r
        Content-Type: image/png\r
        Content-ID: <logo@a.ru>\r
        Content-Transfer-Encoding: base64\r
        \r
        iVBORw0KGgo=\r
        --b2--\r
        --b1\r
        Content-Type: text/calendar; charset=utf-8; method=REQUEST\r
        \r
        BEGIN:VCALENDAR\r
        METHOD:REQUEST\r
        BEGIN:VEVENT\r
        DTSTART;TZID=Europe/Moscow:20261201T100000\r
        SUMMARY:Встреча по договору\\, этап 2\r
         (продолжение)\r
        END:VEVENT\r
        END:VCALENDAR\r
        --b1\r
        Content-Type: application/ms-tnef; name="winmail.dat"\r
        Content-Disposition: attachment; filename="winmail.dat"\r
        Content-Transfer-Encoding: base64\r
        \r
        eJ8+IgAAAA==\r
        --b1--\r
        """

    @Test func inlineImagesCalendarInvitesAndTNEFAreTold() throws {
        let summary = MessageSummary(parsing: Array(Self.invite.utf8))
        let invite = try #require(summary.calendarInvite)
        #expect(invite.method == "REQUEST")
        #expect(invite.summary == "Встреча по договору, этап 2(продолжение)")
        #expect(invite.start == "20261201T100000")
        let logo = try #require(summary.attachments.first { $0.contentType == "image/png" })
        #expect(logo.inline && !logo.isTNEF && logo.size == 8)
        let winmail = try #require(summary.attachments.first { $0.filename == "winmail.dat" })
        #expect(winmail.isTNEF && !winmail.inline)
        #expect(summary.snippet == "Логотип:")
    }

    @Test func anOrdinaryMessageHasNoInvite() {
        let summary = MessageSummary(parsing: Array("Subject: x\r\nContent-Type: text/plain\r\n\r\nBEGIN:VCALENDAR is just text here".utf8))
        #expect(summary.calendarInvite == nil)
    }
}

@Suite struct ListUnsubscribeTests {
    func summary(_ header: String) -> MessageSummary {
        MessageSummary(parsing: Array("Subject: news\r\n\(header)\r\n\r\nbody".utf8))
    }

    @Test func readsURIsAndOneClick() throws {
        let list = try #require(summary("List-Unsubscribe: <mailto:leave@list.ru?subject=unsubscribe>,\r\n <https://list.ru/u/\r\n abc>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click").listUnsubscribe)
        #expect(list.uris == ["mailto:leave@list.ru?subject=unsubscribe", "https://list.ru/u/abc"])
        #expect(list.mailto == "mailto:leave@list.ru?subject=unsubscribe")
        #expect(list.https == "https://list.ru/u/abc")
        #expect(list.oneClick)
    }

    @Test func oneClickNeedsAnHTTPSAddressAndEmptyFieldsAreNothing() throws {
        let mailOnly = try #require(summary("List-Unsubscribe: (comment) <mailto:x@y.ru>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click").listUnsubscribe)
        #expect(mailOnly.uris == ["mailto:x@y.ru"] && !mailOnly.oneClick)
        #expect(summary("List-Unsubscribe: none").listUnsubscribe == nil)
        #expect(summary("X-Other: 1").listUnsubscribe == nil)
    }
}
