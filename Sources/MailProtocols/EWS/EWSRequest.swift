import Foundation
import MIME

/// One EWS call, ready to POST to `…/EWS/Exchange.asmx`: the whole SOAP envelope, with the
/// `RequestServerVersion Exchange2013_SP1` header every request carries (TextBody and Preview
/// need 2013), and the operation inside the body. Builders live in one file per operation.
public struct EWSRequest: Sendable, Equatable {
    /// The operation element's name, e.g. `FindItem`: for logs, metrics and SOAPAction.
    public let operation: String
    public let xml: String

    public static let contentType = "text/xml; charset=utf-8"
    public static let serverVersion = "Exchange2013_SP1"

    public var body: [UInt8] { Array(xml.utf8) }

    /// Exchange ignores SOAPAction, but proxies in front of it sometimes route by it.
    public var soapAction: String { EWSNamespace.messages + "/" + operation }

    /// Wraps the `m:<operation>` element that `content` writes in the envelope.
    init(operation: String, attributes: KeyValuePairs<String, String?> = [:], content: (inout EWSXMLWriter) -> Void) {
        var writer = EWSXMLWriter()
        writer.element("soap:Envelope", [
            "xmlns:soap": EWSNamespace.soap, "xmlns:m": EWSNamespace.messages, "xmlns:t": EWSNamespace.types,
        ]) { envelope in
            envelope.element("soap:Header") { header in
                header.empty("t:RequestServerVersion", ["Version": Self.serverVersion])
            }
            envelope.element("soap:Body") { body in
                body.element("m:" + operation, attributes, body: content)
            }
        }
        self.operation = operation
        xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + writer.text
    }
}

enum EWSNamespace {
    static let soap = "http://schemas.xmlsoap.org/soap/envelope/"
    static let messages = "http://schemas.microsoft.com/exchange/services/2006/messages"
    static let types = "http://schemas.microsoft.com/exchange/services/2006/types"
}

/// An item's identity. The ChangeKey is its version: it changes on every update, and writes
/// that carry a stale one fail with a conflict instead of overwriting someone's change.
public struct EWSItemID: Sendable, Hashable, Codable {
    public var id: String
    public var changeKey: String?

    public init(id: String, changeKey: String? = nil) {
        self.id = id
        self.changeKey = changeKey
    }
}

/// The well-known folders the connector uses (DistinguishedFolderIdNameType).
public enum EWSFolder: String, Sendable, Codable {
    case inbox
    case sentItems = "sentitems"
    case drafts
    /// The top of the mailbox's own folders (Outlook's "Top of Information Store"): where a
    /// rule's folder is looked for.
    case messageFolderRoot = "msgfolderroot"
}

/// A folder's identity, as FindFolder and GetFolder return it. Its ChangeKey is not kept: a
/// move names the folder, not a version of it.
public struct EWSFolderID: Sendable, Hashable, Codable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}

/// A folder a request names: a well-known one by its distinguished name, any other by its id.
public enum EWSFolderReference: Sendable, Hashable {
    case distinguished(EWSFolder)
    case id(EWSFolderID)
}

/// The element an item comes back as in `t:Items`; updates must name the same one.
public enum EWSItemKind: String, Sendable, Codable {
    case item = "Item"
    case message = "Message"
    case meetingMessage = "MeetingMessage"
    case meetingRequest = "MeetingRequest"
    case meetingResponse = "MeetingResponse"
    case meetingCancellation = "MeetingCancellation"
    case calendarItem = "CalendarItem"
    case contact = "Contact"
    case distributionList = "DistributionList"
    case task = "Task"
    case postItem = "PostItem"
}

/// Elements several requests share.
extension EWSXMLWriter {
    mutating func itemID(_ item: EWSItemID, element: String = "t:ItemId") {
        empty(element, ["Id": item.id, "ChangeKey": item.changeKey])
    }

    mutating func distinguishedFolder(_ folder: EWSFolder) {
        empty("t:DistinguishedFolderId", ["Id": folder.rawValue])
    }

    mutating func folder(_ folder: EWSFolderReference) {
        switch folder {
        case .distinguished(let name): distinguishedFolder(name)
        case .id(let id): empty("t:FolderId", ["Id": id.id])
        }
    }

    mutating func fieldURI(_ uri: String) {
        empty("t:FieldURI", ["FieldURI": uri])
    }

    mutating func mailboxes(_ element: String, _ addresses: [MailAddress]) {
        guard !addresses.isEmpty else { return }
        self.element(element) { list in
            for address in addresses {
                list.element("t:Mailbox") { mailbox in
                    if let name = address.name, !name.isEmpty { mailbox.element("t:Name", name) }
                    mailbox.element("t:EmailAddress", address.address)
                }
            }
        }
    }
}

/// xs:dateTime as EWS writes and reads it: UTC with a `Z`, fractional seconds accepted on input.
enum EWSDateTime {
    static func string(from date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func date(from text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: trimmed)
    }
}

/// Message ids the way Internet headers carry them: `<id>`, several separated by a blank. An id
/// with blanks, brackets or non-ASCII cannot be written faithfully and is left out, as
/// MessageBuilder does: a wrong id in References misthreads worse than a missing one.
enum EWSMessageIDs {
    static func headerValue(_ ids: [String]) -> String? {
        let written = ids.compactMap(writable).map { "<" + $0 + ">" }
        return written.isEmpty ? nil : written.joined(separator: " ")
    }

    private static func writable(_ id: String) -> String? {
        var text = Substring(id.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("<") { text = text.dropFirst() }
        if text.hasSuffix(">") { text = text.dropLast() }
        let isPrintableASCII = text.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        return !text.isEmpty && isPrintableASCII ? String(text) : nil
    }
}
