import Foundation

/// What the product keeps of an inbound message (metadata and snippet, never the body), read
/// from raw bytes. Also the output of `smartysales mime inspect`.
public struct MessageSummary: Sendable {
    public struct Attachment: Sendable, Equatable {
        public let filename: String?
        public let contentType: String
        /// Decoded size in bytes.
        public let size: Int
        /// Shown in the body (a `Content-Disposition: inline` image, or one a `cid:` link in
        /// multipart/related points at) rather than offered as a file.
        public let inline: Bool
        /// Outlook's TNEF wrapper (`winmail.dat`, application/ms-tnef): the real attachments are
        /// inside it, and a recipient without Outlook sees only this file.
        public let isTNEF: Bool
    }

    public let subject: String?
    public let from: [MailAddress]
    public let to: [MailAddress]
    public let cc: [MailAddress]
    public let date: Date?
    public let messageID: String?
    public let inReplyTo: [String]
    public let references: [String]
    public let snippet: String
    public let attachments: [Attachment]
    public let calendarInvite: CalendarInvite?
    public let listUnsubscribe: ListUnsubscribe?
    /// A non-delivery report, with the recipients that failed.
    public let bounce: Bounce?
    /// An out-of-office or other automatic reply, with the return date when the text gives one.
    public let autoReply: AutoReply?
    public let defects: [MIMEDefect]

    public init(parsing bytes: [UInt8]) {
        self.init(root: MIMEPart(parsing: bytes[...]))
    }

    /// The summary of a message already parsed into its part tree.
    public init(root: MIMEPart) {
        let headers = root.headers
        subject = headers.text("Subject")
        from = headers.raw("From").map(MailAddress.parseList) ?? []
        to = headers.all("To").flatMap { MailAddress.parseList($0.raw) }
        cc = headers.all("Cc").flatMap { MailAddress.parseList($0.raw) }
        date = headers.text("Date").flatMap(MailDate.parse)
        messageID = headers.raw("Message-ID").flatMap { MessageIDs.parse($0).first }
        inReplyTo = headers.raw("In-Reply-To").map(MessageIDs.parse) ?? []
        references = headers.raw("References").map(MessageIDs.parse) ?? []
        // Every reader below walks the same parts: list them once.
        let parts = root.allParts
        snippet = Snippet.of(parts: parts)
        attachments = parts.filter(\.isAttachment).map {
            Attachment(filename: $0.filename, contentType: $0.contentType.value, size: $0.body.count, inline: $0.isInline, isTNEF: $0.isTNEF)
        }
        calendarInvite = CalendarInvite.find(inParts: parts)
        listUnsubscribe = ListUnsubscribe(headers: headers)
        // Both checks read the subject folded; it is folded once.
        let foldedSubject = BounceText.folded(subject ?? "")
        let bounce = Bounce.detect(in: root, parts: parts, foldedSubject: foldedSubject)
        self.bounce = bounce
        // A bounce is not an auto-reply. The snippet is text enough: an absence notice says when
        // its writer is back in its first lines.
        autoReply = bounce == nil
            ? AutoReply.detect(headers: headers, subject: subject ?? "", foldedSubject: foldedSubject, text: snippet, received: date)
            : nil
        defects = parts.flatMap(\.defects)
    }

    /// A JSON-ready dictionary with the field names `mime inspect` documents.
    public var jsonObject: [String: Any] {
        func addresses(_ list: [MailAddress]) -> [[String: Any]] {
            list.map { ["name": $0.name ?? NSNull(), "address": $0.address] }
        }
        let formatter = ISO8601DateFormatter()
        return [
            "subject": subject ?? NSNull(),
            "from": addresses(from),
            "to": addresses(to),
            "cc": addresses(cc),
            "date": date.map { formatter.string(from: $0) } ?? NSNull(),
            "message_id": messageID ?? NSNull(),
            "in_reply_to": inReplyTo,
            "references": references,
            "snippet": snippet,
            "attachments": attachments.map {
                ["filename": $0.filename ?? NSNull(), "content_type": $0.contentType, "size": $0.size, "inline": $0.inline, "tnef": $0.isTNEF] as [String: Any]
            },
            "calendar": calendarInvite.map {
                ["method": $0.method ?? NSNull(), "summary": $0.summary ?? NSNull(), "start": $0.start ?? NSNull()] as [String: Any]
            } ?? NSNull(),
            "list_unsubscribe": listUnsubscribe.map { ["uris": $0.uris, "one_click": $0.oneClick] as [String: Any] } ?? NSNull(),
            "bounce": bounce?.recipients.first.map(Self.json) ?? NSNull(),
            "bounce_recipients": bounce?.recipients.map(Self.json) ?? [],
            "auto_reply": autoReply.map { ["return_date": $0.returnDate?.description ?? NSNull()] as [String: Any] } ?? NSNull(),
            "defects": defects.map(\.description),
        ]
    }

    private static func json(_ recipient: Bounce.Recipient) -> [String: Any] {
        ["recipient": recipient.address, "status": recipient.status, "reply_code": recipient.replyCode,
         "hard": recipient.hard, "reason": recipient.reason, "diagnostic": recipient.diagnostic ?? NSNull()]
    }
}
