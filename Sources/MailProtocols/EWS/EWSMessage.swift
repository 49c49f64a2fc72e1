import Foundation
import MIME

/// A mailbox as EWS writes it. Internal senders may come with RoutingType EX and an X.500
/// address instead of SMTP, so the address is kept as given with its routing type.
public struct EWSMailbox: Sendable, Equatable {
    public let name: String?
    public let emailAddress: String?
    public let routingType: String?

    public init(name: String?, emailAddress: String?, routingType: String?) {
        self.name = name
        self.emailAddress = emailAddress
        self.routingType = routingType
    }

    /// The SMTP form, when there is one: an EX (X.500) address is not an e-mail address.
    public var mailAddress: MailAddress? {
        guard let emailAddress, !emailAddress.isEmpty, routingType.map({ $0.uppercased() == "SMTP" }) ?? emailAddress.contains("@") else {
            return nil
        }
        return MailAddress(name: name, address: emailAddress)
    }

    init?(_ element: EWSXMLElement) {
        guard let mailbox = element.name == "Mailbox" ? element : element.child("Mailbox") else { return nil }
        name = mailbox.text(of: "Name").flatMap { $0.isEmpty ? nil : $0 }
        emailAddress = mailbox.trimmedText(of: "EmailAddress")
        routingType = mailbox.trimmedText(of: "RoutingType")
    }
}

/// What GetItem returns for an inbox message: the metadata the product stores (never the body;
/// `textBody` is read for the snippet and dropped).
public struct EWSMessage: Sendable, Equatable {
    public let item: EWSItemID
    public let kind: EWSItemKind?
    public let subject: String?
    public let from: EWSMailbox?
    public let toRecipients: [EWSMailbox]
    public let receivedAt: Date?
    /// Exchange's own first characters of the body (up to 256).
    public let preview: String?
    public let textBody: String?
    /// Without angle brackets, like `MessageSummary`.
    public let internetMessageID: String?
    public let inReplyTo: [String]
    public let references: [String]
    public let categories: [String]

    init?(_ element: EWSXMLElement) {
        guard let item = EWSItemElement.itemID(in: element) else { return nil }
        self.item = item
        kind = EWSItemKind(rawValue: element.name)
        subject = element.text(of: "Subject")
        from = element.child("From").flatMap { EWSMailbox($0) }
        toRecipients = element.child("ToRecipients")?.children(named: "Mailbox").compactMap { EWSMailbox($0) } ?? []
        receivedAt = element.text(of: "DateTimeReceived").flatMap(EWSDateTime.date(from:))
        preview = element.text(of: "Preview")
        textBody = element.text(of: "TextBody")
        internetMessageID = element.text(of: "InternetMessageId").flatMap { MessageIDs.parse(Array($0.utf8)).first }
        inReplyTo = element.text(of: "InReplyTo").map { MessageIDs.parse(Array($0.utf8)) } ?? []
        references = element.text(of: "References").map { MessageIDs.parse(Array($0.utf8)) } ?? []
        categories = element.child("Categories")?.children(named: "String").map(\.text) ?? []
    }

    /// The pipeline's view of this message. The item id is the EWS Id alone: ChangeKeys age, and
    /// every write reads the current one first.
    public var mailboxMessage: MailboxMessage {
        MailboxMessage(
            item: MailboxItemID(item.id), from: [from?.mailAddress].compactMap { $0 }, to: toRecipients.compactMap(\.mailAddress),
            subject: subject, snippet: snippet, receivedAt: receivedAt, messageID: internetMessageID,
            inReplyTo: inReplyTo, references: references, labels: categories)
    }

    /// The stored snippet: the text body (else the preview) with runs of blanks and line breaks
    /// made one space, cut at `Snippet.length` characters.
    public var snippet: String {
        let source = textBody.flatMap { $0.isEmpty ? nil : $0 } ?? preview ?? ""
        let words = source.split(whereSeparator: { $0.isWhitespace })
        return String(words.joined(separator: " ").prefix(Snippet.length))
    }
}

/// Reading the parts every item element shares.
enum EWSItemElement {
    /// `t:ItemId Id=… ChangeKey=…`; nil when missing or empty, which no real item is.
    static func itemID(in element: EWSXMLElement) -> EWSItemID? {
        guard let idElement = element.child("ItemId"), let id = idElement.attributes["Id"], !id.isEmpty else { return nil }
        return EWSItemID(id: id, changeKey: idElement.attributes["ChangeKey"])
    }
}
