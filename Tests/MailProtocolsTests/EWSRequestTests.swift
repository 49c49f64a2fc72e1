import Foundation
import MIME
import Testing
@testable import MailProtocols

/// The shape of every request the EWS client builds, read back with our own XML reader. Whether
/// Microsoft's schema accepts them is EWSSchemaTests' job; these pin down what we mean to send.
@Suite struct EWSRequestTests {
    /// The operation element inside soap:Body, after checking the envelope around it.
    static func operation(of request: EWSRequest) throws -> EWSXMLElement {
        let envelope = try EWSXMLDocument.parse(request.body)
        #expect(envelope.name == "Envelope" && envelope.namespace == "http://schemas.xmlsoap.org/soap/envelope/")
        let version = envelope.child("Header")?.child("RequestServerVersion")
        #expect(version?.attributes["Version"] == "Exchange2013_SP1")
        #expect(version?.namespace == "http://schemas.microsoft.com/exchange/services/2006/types")
        let operations = envelope.child("Body")?.children ?? []
        try #require(operations.count == 1)
        #expect(operations[0].name == request.operation)
        #expect(operations[0].namespace == "http://schemas.microsoft.com/exchange/services/2006/messages")
        return operations[0]
    }

    static func names(_ element: EWSXMLElement?) -> [String] {
        element?.children.map(\.name) ?? []
    }

    static let sender = MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")
    static let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func reply() -> OutgoingMessage {
        OutgoingMessage(
            from: sender, to: [MailAddress(name: "Boris", address: "boris@example.ru")], bcc: [MailAddress(name: nil, address: "archive@romashka.ru")],
            subject: "Re: Предложение", textBody: "Добрый день!\nСпасибо.", inReplyTo: ["parent@example.ru"],
            references: ["root@example.ru", "<parent@example.ru>"], messageID: "sent-1@romashka.ru", date: date)
    }

    @Test func findItemPagesTheInboxNewestFirstWithinTheWindow() throws {
        let request = EWSRequest.findItem(receivedAfter: Self.date, offset: 500, pageSize: 5000)
        let findItem = try Self.operation(of: request)
        #expect(findItem.attributes["Traversal"] == "Shallow")
        #expect(Self.names(findItem) == ["ItemShape", "IndexedPageItemView", "Restriction", "SortOrder", "ParentFolderIds"])
        let view = findItem.child("IndexedPageItemView")
        #expect(view?.attributes["MaxEntriesReturned"] == "250", "a restricted view returns at most 250 a page")
        #expect(view?.attributes["Offset"] == "500")
        #expect(view?.attributes["BasePoint"] == "Beginning")
        let comparison = findItem.child("Restriction")?.child("IsGreaterThan")
        #expect(comparison?.child("FieldURI")?.attributes["FieldURI"] == "item:DateTimeReceived")
        #expect(comparison?.child("FieldURIOrConstant")?.child("Constant")?.attributes["Value"] == "2026-01-01T00:00:00Z")
        #expect(findItem.child("SortOrder")?.child("FieldOrder")?.attributes["Order"] == "Descending")
        #expect(findItem.child("ParentFolderIds")?.child("DistinguishedFolderId")?.attributes["Id"] == "inbox")
    }

    @Test func findItemWithoutWindowMayAskForAThousand() throws {
        let findItem = try Self.operation(of: EWSRequest.findItem(pageSize: 5000))
        #expect(findItem.child("Restriction") == nil)
        #expect(findItem.child("IndexedPageItemView")?.attributes["MaxEntriesReturned"] == "1000")
        #expect(try Self.operation(of: EWSRequest.findItem(offset: -3, pageSize: 0)).child("IndexedPageItemView")?.attributes["Offset"] == "0")
    }

    @Test func getItemAsksForTheStoredPropertiesOfEveryItem() throws {
        let items = [EWSItemID(id: "AAMkA=", changeKey: "CQAAAB"), EWSItemID(id: "AAMkB=")]
        let getItem = try Self.operation(of: EWSRequest.getItems(items))
        #expect(Self.names(getItem) == ["ItemShape", "ItemIds"])
        let shape = getItem.child("ItemShape")
        #expect(Self.names(shape) == ["BaseShape", "BodyType", "MaximumBodySize", "AdditionalProperties"])
        #expect(shape?.text(of: "BaseShape") == "IdOnly")
        #expect(shape?.text(of: "BodyType") == "Text")
        let uris = shape?.child("AdditionalProperties")?.children.compactMap { $0.attributes["FieldURI"] } ?? []
        #expect(Set(uris) == [
            "item:Subject", "message:From", "message:ToRecipients", "item:DateTimeReceived", "item:Preview", "item:TextBody",
            "message:InternetMessageId", "item:InReplyTo", "message:References", "item:Categories",
        ])
        let ids = getItem.child("ItemIds")?.children(named: "ItemId") ?? []
        #expect(ids.map { $0.attributes["Id"] } == ["AAMkA=", "AAMkB="])
        #expect(ids.map { $0.attributes["ChangeKey"] } == ["CQAAAB", nil])
    }

    @Test func syncFolderItemsLeavesTheStateOutTheFirstTime() throws {
        let first = try Self.operation(of: EWSRequest.syncFolderItems(syncState: nil))
        #expect(Self.names(first) == ["ItemShape", "SyncFolderId", "MaxChangesReturned", "SyncScope"])
        #expect(try Self.operation(of: EWSRequest.syncFolderItems(syncState: "")).child("SyncState") == nil)
        let next = try Self.operation(of: EWSRequest.syncFolderItems(syncState: "H4sIAAAAAAAEAO29B2AcSZYl", maxChanges: 10_000))
        #expect(Self.names(next) == ["ItemShape", "SyncFolderId", "SyncState", "MaxChangesReturned", "SyncScope"])
        #expect(next.text(of: "SyncState") == "H4sIAAAAAAAEAO29B2AcSZYl")
        #expect(next.text(of: "MaxChangesReturned") == "512")
        #expect(next.text(of: "SyncScope") == "NormalItems")
        #expect(next.child("SyncFolderId")?.child("DistinguishedFolderId")?.attributes["Id"] == "inbox")
    }

    @Test func categoryUpdateWritesTheWholeListUnderTheReadChangeKey() throws {
        let request = EWSRequest.updateCategories([
            .init(item: EWSItemID(id: "A1", changeKey: "CK1"), categories: ["Lead", "Клиент", "lead", " ", "VIP"]),
            .init(item: EWSItemID(id: "A2", changeKey: "CK2"), kind: .meetingRequest, categories: ["Lead"]),
            .init(item: EWSItemID(id: "A3", changeKey: "CK3"), categories: []),
        ])
        let update = try Self.operation(of: request)
        #expect(update.attributes["ConflictResolution"] == "NeverOverwrite")
        #expect(update.attributes["MessageDisposition"] == "SaveOnly")
        let changes = update.child("ItemChanges")?.children(named: "ItemChange") ?? []
        try #require(changes.count == 3)
        #expect(changes[0].child("ItemId")?.attributes == ["Id": "A1", "ChangeKey": "CK1"])
        let setField = changes[0].child("Updates")?.child("SetItemField")
        #expect(setField?.child("FieldURI")?.attributes["FieldURI"] == "item:Categories")
        #expect(setField?.child("Message")?.child("Categories")?.children(named: "String").map(\.text) == ["Lead", "Клиент", "VIP"])
        #expect(changes[1].child("Updates")?.child("SetItemField")?.child("MeetingRequest") != nil)
        let delete = changes[2].child("Updates")?.child("DeleteItemField")
        #expect(delete?.child("FieldURI")?.attributes["FieldURI"] == "item:Categories")
    }

    @Test func addingCategoriesKeepsTheUsersOwn() {
        #expect(EWSRequest.categories(["Личное", "Lead"], adding: ["VIP"]) == ["Личное", "Lead", "VIP"])
        #expect(EWSRequest.categories(["Личное", "Lead"], adding: ["lead"]) == nil, "nothing to write")
        #expect(EWSRequest.categories([], adding: ["Lead", "Lead"]) == ["Lead"])
        #expect(EWSRequest.categories(["Личное", "Lead", "Review"], removing: ["lead", "REVIEW"]) == ["Личное"])
        #expect(EWSRequest.categories(["Личное"], removing: ["Lead"]) == nil, "nothing to take off, nothing to write")
        #expect(EWSRequest.categories(["Lead"], removing: ["Lead"]) == [], "the last one off: the property is deleted")
    }

    @Test func findFolderLooksForOneDisplayNameInItsParent() throws {
        let top = try Self.operation(of: EWSRequest.findFolders(named: "Счета", in: .distinguished(.messageFolderRoot), traversal: .shallow))
        #expect(top.attributes["Traversal"] == "Shallow")
        #expect(Self.names(top) == ["FolderShape", "Restriction", "ParentFolderIds"])
        #expect(Self.names(top.child("FolderShape")) == ["BaseShape"])
        #expect(top.child("FolderShape")?.text(of: "BaseShape") == "IdOnly")
        let comparison = top.child("Restriction")?.child("IsEqualTo")
        #expect(comparison?.child("FieldURI")?.attributes["FieldURI"] == "folder:DisplayName")
        #expect(comparison?.child("FieldURIOrConstant")?.child("Constant")?.attributes["Value"] == "Счета")
        #expect(top.child("ParentFolderIds")?.child("DistinguishedFolderId")?.attributes["Id"] == "msgfolderroot")

        let name = "Архив \"2025\" & <старое>"
        let deep = try Self.operation(of: EWSRequest.findFolders(named: name, in: .id(EWSFolderID(id: "AAMkFolder1=")), traversal: .deep))
        #expect(deep.attributes["Traversal"] == "Deep")
        #expect(deep.child("Restriction")?.descendant("Constant")?.attributes["Value"] == name)
        #expect(deep.child("ParentFolderIds")?.child("FolderId")?.attributes == ["Id": "AAMkFolder1="])
    }

    @Test func getFolderAsksForAWellKnownFoldersId() throws {
        let getFolder = try Self.operation(of: EWSRequest.getFolder(.inbox))
        #expect(Self.names(getFolder) == ["FolderShape", "FolderIds"])
        #expect(getFolder.child("FolderShape")?.text(of: "BaseShape") == "IdOnly")
        #expect(getFolder.child("FolderIds")?.child("DistinguishedFolderId")?.attributes == ["Id": "inbox"])
    }

    @Test func moveItemNamesTheFolderThenTheItems() throws {
        let items = [EWSItemID(id: "AAMkA="), EWSItemID(id: "AAMkB=", changeKey: "CK")]
        let move = try Self.operation(of: EWSRequest.moveItems(items, to: .id(EWSFolderID(id: "AAMkFolder1="))))
        #expect(Self.names(move) == ["ToFolderId", "ItemIds"])
        #expect(move.child("ToFolderId")?.child("FolderId")?.attributes == ["Id": "AAMkFolder1="])
        #expect(move.child("ItemIds")?.children(named: "ItemId").map(\.attributes) == [["Id": "AAMkA="], ["Id": "AAMkB=", "ChangeKey": "CK"]])
        let toDrafts = try Self.operation(of: EWSRequest.moveItems([items[0]], to: .distinguished(.drafts)))
        #expect(toDrafts.child("ToFolderId")?.child("DistinguishedFolderId")?.attributes["Id"] == "drafts")
    }

    @Test func sendingCarriesTheBuiltMIMEAndTheThreadingProperties() throws {
        let message = Self.reply()
        let createItem = try Self.operation(of: EWSRequest.sendMessage(message))
        #expect(createItem.attributes["MessageDisposition"] == "SendAndSaveCopy")
        #expect(createItem.child("SavedItemFolderId")?.child("DistinguishedFolderId")?.attributes["Id"] == "sentitems")
        let item = try #require(createItem.child("Items")?.child("Message"))
        #expect(Self.names(item) == ["MimeContent", "InReplyTo", "BccRecipients", "References"])
        let mime = try #require(Data(base64Encoded: item.trimmedText(of: "MimeContent") ?? ""))
        #expect(Array(mime) == MessageBuilder().build(message))
        #expect(item.text(of: "InReplyTo") == "<parent@example.ru>")
        #expect(item.text(of: "References") == "<root@example.ru> <parent@example.ru>")
        #expect(item.child("BccRecipients")?.child("Mailbox")?.text(of: "EmailAddress") == "archive@romashka.ru")
        let summary = MessageSummary(parsing: Array(mime))
        #expect(summary.messageID == "sent-1@romashka.ru")
        #expect(summary.inReplyTo == ["parent@example.ru"])
    }

    @Test func draftPathCreatesAttachesAndSends() throws {
        var message = Self.reply()
        message.htmlBody = "<p>Добрый день &amp; спасибо</p>"
        let draft = try Self.operation(of: EWSRequest.createDraft(message))
        #expect(draft.attributes["MessageDisposition"] == "SaveOnly")
        #expect(draft.child("SavedItemFolderId")?.child("DistinguishedFolderId")?.attributes["Id"] == "drafts")
        let item = try #require(draft.child("Items")?.child("Message"))
        #expect(Self.names(item) == ["Subject", "Body", "InReplyTo", "ExtendedProperty", "ToRecipients", "BccRecipients", "References"])
        #expect(item.child("Body")?.attributes["BodyType"] == "HTML")
        #expect(item.text(of: "Body") == "<p>Добрый день &amp; спасибо</p>")
        #expect(item.child("ExtendedProperty")?.child("ExtendedFieldURI")?.attributes["PropertyTag"] == "0x1035")
        #expect(item.child("ExtendedProperty")?.text(of: "Value") == "<sent-1@romashka.ru>")
        #expect(item.child("ToRecipients")?.child("Mailbox")?.text(of: "Name") == "Boris")

        let attachments = try Self.operation(of: EWSRequest.createAttachments(
            [.init(filename: "Прайс.pdf", contentType: "application/PDF", data: [0, 1, 2, 255]), .init(filename: "x", contentType: "bad type", data: [])],
            to: EWSItemID(id: "D1", changeKey: "K1")))
        #expect(Self.names(attachments) == ["ParentItemId", "Attachments"])
        #expect(attachments.child("ParentItemId")?.attributes == ["Id": "D1", "ChangeKey": "K1"])
        let files = attachments.child("Attachments")?.children(named: "FileAttachment") ?? []
        #expect(files.map { Self.names($0) } == [["Name", "ContentType", "Content"], ["Name", "ContentType", "Content"]])
        #expect(files.first?.text(of: "Name") == "Прайс.pdf")
        #expect(files.first?.text(of: "ContentType") == "application/pdf")
        #expect(files.first?.text(of: "Content") == "AAEC/w==")
        #expect(files.last?.text(of: "ContentType") == "application/octet-stream")

        let send = try Self.operation(of: EWSRequest.sendDraft(EWSItemID(id: "D1", changeKey: "K2")))
        #expect(send.attributes["SaveItemToFolder"] == "true")
        #expect(Self.names(send) == ["ItemIds", "SavedItemFolderId"])
        #expect(send.child("ItemIds")?.child("ItemId")?.attributes["ChangeKey"] == "K2")
    }

    /// Markup in user text stays text; characters XML cannot carry are dropped, not sent to make
    /// Exchange refuse the request; CR survives as a character reference.
    @Test func userTextCannotBreakTheDocument() throws {
        var message = Self.reply()
        message.subject = "</t:Subject><t:Evil a=\"1\">&amp; \u{0}\u{1B}\u{FFFE}ok\r\nline"
        message.htmlBody = nil
        let item = try #require(try Self.operation(of: EWSRequest.createDraft(message)).child("Items")?.child("Message"))
        #expect(item.text(of: "Subject") == "</t:Subject><t:Evil a=\"1\">&amp; ok\r\nline")
        #expect(item.child("Evil") == nil)
        let categories = try Self.operation(of: EWSRequest.updateCategories([.init(item: EWSItemID(id: "\"><x y=\"", changeKey: "k&<"), categories: ["a\"b"])]))
        let itemID = categories.child("ItemChanges")?.child("ItemChange")?.child("ItemId")
        #expect(itemID?.attributes == ["Id": "\"><x y=\"", "ChangeKey": "k&<"])
    }

    @Test func requestKnowsItsHTTPDetails() {
        let request = EWSRequest.syncFolderItems(syncState: nil)
        #expect(request.soapAction == "http://schemas.microsoft.com/exchange/services/2006/messages/SyncFolderItems")
        #expect(EWSRequest.contentType == "text/xml; charset=utf-8")
        #expect(request.xml.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>"))
    }
}
