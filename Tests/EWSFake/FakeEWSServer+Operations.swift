import Foundation
import Hummingbird
import MIME
import Synchronization
@testable import MailProtocols

// The SOAP operations of the fake EWS server: each reads the operation element of the request
// and writes the reply in the shape Exchange documents (envelopes from EWSResponseFixtures).
extension FakeEWSServer {
    func answer(_ body: [UInt8]) -> Response {
        guard let envelope = try? EWSXMLDocument.parse(body), let operation = envelope.child("Body")?.children.first else {
            return Self.soapFault(code: "ErrorSchemaValidation", message: "The request failed schema validation: the body is not a SOAP envelope.")
        }
        guard envelope.child("Header")?.child("RequestServerVersion")?.attributes["Version"] == "Exchange2013_SP1" else {
            return Self.soapFault(code: "ErrorInvalidServerVersion", message: "The specified server version is invalid.")
        }
        switch operation.name {
        case "FindItem": return Self.response(findItem(operation))
        case "GetItem": return Self.response(getItem(operation))
        case "SyncFolderItems": return Self.response(syncFolderItems(operation))
        case "UpdateItem": return Self.response(updateItem(operation))
        case "CreateItem": return Self.response(createItem(operation))
        case "FindFolder": return Self.response(findFolder(operation))
        case "GetFolder": return Self.response(getFolder(operation))
        case "MoveItem": return Self.response(moveItem(operation))
        default: return Self.soapFault(code: "ErrorInvalidRequest", message: "The request is invalid.")
        }
    }

    static func soapFault(code: String, message: String) -> Response {
        let fault = EWSResponseFixtures.envelope("""
            <s:Fault>
              <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:\(code)</faultcode>
              <faultstring xml:lang="en-US">\(escaped(message))</faultstring>
              <detail>
                <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">\(code)</e:ResponseCode>
                <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">\(escaped(message))</e:Message>
              </detail>
            </s:Fault>
            """)
        return response(fault, status: .internalServerError)
    }

    // MARK: FindItem

    private func findItem(_ operation: EWSXMLElement) -> String {
        let view = operation.child("IndexedPageItemView")
        let maximum = view?.attributes["MaxEntriesReturned"].flatMap { Int($0) } ?? 1000
        let offset = view?.attributes["Offset"].flatMap { Int($0) } ?? 0
        let folder = operation.child("ParentFolderIds")?.child("DistinguishedFolderId")?.attributes["Id"] ?? "inbox"
        let after = operation.child("Restriction")?.descendant("Constant")?.attributes["Value"].flatMap(EWSDateTime.date(from:))
        return state.withLock { state -> String in
            let matching = state.items
                .filter { item in item.folder == folder && (after.map { item.receivedAt > $0 } ?? true) }
                .sorted { $0.receivedAt > $1.receivedAt }
            let page = matching.dropFirst(offset).prefix(maximum)
            let next = min(offset, matching.count) + page.count
            let entries = page.map { item in
                "<t:\(item.kind)>\(Self.itemID(item))<t:Subject>\(Self.escaped(item.subject))</t:Subject>"
                    + "<t:DateTimeReceived>\(EWSDateTime.string(from: item.receivedAt))</t:DateTimeReceived></t:\(item.kind)>"
            }
            return EWSResponseFixtures.operation("FindItem", """
                <m:FindItemResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:RootFolder IndexedPagingOffset="\(next)" TotalItemsInView="\(matching.count)" IncludesLastItemInRange="\(next >= matching.count)">
                    <t:Items>\(entries.joined())</t:Items>
                  </m:RootFolder>
                </m:FindItemResponseMessage>
                """)
        }
    }

    // MARK: GetItem

    private func getItem(_ operation: EWSXMLElement) -> String {
        let ids = operation.child("ItemIds")?.children(named: "ItemId").map { $0.attributes["Id"] ?? "" } ?? []
        let bodyLimit = operation.child("ItemShape")?.trimmedText(of: "MaximumBodySize").flatMap { Int($0) }.map { $0 * 1024 }
        return state.withLock { state -> String in
            let messages = ids.map { id -> String in
                guard id.hasPrefix("AAMk") else {
                    return Self.errorMessage("GetItem", code: "ErrorInvalidIdMalformed", text: "Id is malformed.")
                }
                guard let item = state.items.first(where: { $0.id == id }) else {
                    return Self.errorMessage(
                        "GetItem", code: "ErrorItemNotFound",
                        text: "The specified object was not found in the store., The process failed to get the correct properties.")
                }
                return """
                    <m:GetItemResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Items>\(Self.fullItem(item, bodyLimit: bodyLimit))</m:Items>
                    </m:GetItemResponseMessage>
                    """
            }
            return EWSResponseFixtures.operation("GetItem", messages.joined(separator: "\n"))
        }
    }

    private static func fullItem(_ item: Item, bodyLimit: Int?) -> String {
        var xml = "<t:\(item.kind)>" + itemID(item)
        xml += "<t:Subject>\(escaped(item.subject))</t:Subject>"
        xml += "<t:DateTimeReceived>\(EWSDateTime.string(from: item.receivedAt))</t:DateTimeReceived>"
        if !item.categories.isEmpty {
            xml += "<t:Categories>" + item.categories.map { "<t:String>\(escaped($0))</t:String>" }.joined() + "</t:Categories>"
        }
        if let inReplyTo = item.inReplyTo { xml += "<t:InReplyTo>\(escaped(inReplyTo))</t:InReplyTo>" }
        xml += "<t:Preview>\(escaped(item.preview))</t:Preview>"
        let body = bodyLimit.map { String(item.textBody.prefix($0)) } ?? item.textBody
        xml += "<t:TextBody BodyType=\"Text\" IsTruncated=\"\(body.count < item.textBody.count)\">\(escaped(body))</t:TextBody>"
        if !item.to.isEmpty {
            xml += "<t:ToRecipients>" + item.to.map(mailbox).joined() + "</t:ToRecipients>"
        }
        if let from = item.from { xml += "<t:From>" + mailbox(from) + "</t:From>" }
        xml += "<t:InternetMessageId>\(escaped("<" + item.internetMessageID + ">"))</t:InternetMessageId>"
        if let references = item.references { xml += "<t:References>\(escaped(references))</t:References>" }
        return xml + "</t:\(item.kind)>"
    }

    private static func mailbox(_ address: MailAddress) -> String {
        "<t:Mailbox>" + (address.name.map { "<t:Name>\(escaped($0))</t:Name>" } ?? "")
            + "<t:EmailAddress>\(escaped(address.address))</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox>"
    }

    // MARK: SyncFolderItems

    static func syncState(at position: Int) -> String {
        Data("fake-sync-\(position)".utf8).base64EncodedString()
    }

    private static func position(in syncState: String) -> Int? {
        guard let data = Data(base64Encoded: syncState), let text = String(data: data, encoding: .utf8), text.hasPrefix("fake-sync-") else {
            return nil
        }
        return Int(text.dropFirst("fake-sync-".count))
    }

    private func syncFolderItems(_ operation: EWSXMLElement) -> String {
        let given = operation.trimmedText(of: "SyncState").flatMap { $0.isEmpty ? nil : $0 }
        let maximum = operation.trimmedText(of: "MaxChangesReturned").flatMap { Int($0) } ?? 512
        return state.withLock { state -> String in
            var start = 0
            if let given {
                guard state.issuedSyncStates.contains(given), let position = Self.position(in: given), position <= state.log.count else {
                    return EWSResponseFixtures.invalidSyncState
                }
                start = position
            }
            let batch = state.log[start...].prefix(max(maximum, 1))
            let end = start + batch.count
            let newState = Self.syncState(at: end)
            state.issuedSyncStates.insert(newState)
            // An item that has left the inbox since is reported by its Delete alone.
            let changes = batch.map { change -> String in
                switch change {
                case .created(let id):
                    guard let item = state.items.first(where: { $0.id == id && $0.folder == "inbox" }) else { return "" }
                    return "<t:Create><t:\(item.kind)>\(Self.itemID(item))"
                        + "<t:DateTimeReceived>\(EWSDateTime.string(from: item.receivedAt))</t:DateTimeReceived></t:\(item.kind)></t:Create>"
                case .updated(let id):
                    guard let item = state.items.first(where: { $0.id == id && $0.folder == "inbox" }) else { return "" }
                    return "<t:Update><t:\(item.kind)>\(Self.itemID(item))</t:\(item.kind)></t:Update>"
                case .deleted(let id):
                    return "<t:Delete><t:ItemId Id=\"\(Self.escaped(id))\"/></t:Delete>"
                }
            }
            return EWSResponseFixtures.operation("SyncFolderItems", """
                <m:SyncFolderItemsResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:SyncState>\(newState)</m:SyncState>
                  <m:IncludesLastItemInRange>\(end >= state.log.count)</m:IncludesLastItemInRange>
                  <m:Changes>\(changes.joined())</m:Changes>
                </m:SyncFolderItemsResponseMessage>
                """)
        }
    }

    // MARK: UpdateItem

    private func updateItem(_ operation: EWSXMLElement) -> String {
        let overwrites = operation.attributes["ConflictResolution"] == "AlwaysOverwrite"
        let itemChanges = operation.child("ItemChanges")?.children(named: "ItemChange") ?? []
        return state.withLock { state -> String in
            let messages = itemChanges.map { change -> String in
                guard let idElement = change.child("ItemId"), let id = idElement.attributes["Id"], id.hasPrefix("AAMk") else {
                    return Self.errorMessage("UpdateItem", code: "ErrorInvalidIdMalformed", text: "Id is malformed.")
                }
                guard let index = state.items.firstIndex(where: { $0.id == id }) else {
                    return Self.errorMessage("UpdateItem", code: "ErrorItemNotFound", text: "The specified object was not found in the store.")
                }
                if var pending = state.outlookChanges[id], !pending.isEmpty {
                    state.items[index].categories.append(pending.removeFirst())
                    state.items[index].version += 1
                    if state.items[index].folder == "inbox" { state.log.append(.updated(id)) }
                    state.outlookChanges[id] = pending
                }
                guard let changeKey = idElement.attributes["ChangeKey"] else {
                    return Self.errorMessage(
                        "UpdateItem", code: "ErrorChangeKeyRequiredForWriteOperations", text: "The change key is required for this operation.")
                }
                guard changeKey == state.items[index].changeKey || overwrites else {
                    return Self.errorMessage("UpdateItem", code: "ErrorIrresolvableConflict", text: "An irresolvable conflict was detected.")
                }
                for update in change.child("Updates")?.children ?? [] {
                    switch (update.child("FieldURI")?.attributes["FieldURI"], update.name) {
                    case ("item:Categories", "SetItemField"):
                        state.items[index].categories = update.descendant("Categories")?.children(named: "String").map(\.text) ?? []
                    case ("item:Categories", "DeleteItemField"):
                        state.items[index].categories = []
                    case ("message:IsRead", "SetItemField"):
                        guard let flag = update.descendant("IsRead")?.text, flag == "true" || flag == "false" else {
                            return Self.errorMessage("UpdateItem", code: "ErrorInvalidValueForProperty", text: "IsRead needs true or false.")
                        }
                        state.items[index].isRead = flag == "true"
                    case ("item:Categories", _), ("message:IsRead", _):
                        return Self.errorMessage("UpdateItem", code: "ErrorInvalidPropertyUpdateSentMessage", text: "Unexpected update \(update.name).")
                    default:
                        return Self.errorMessage("UpdateItem", code: "ErrorInvalidPropertySet", text: "Only categories and the read flag are updated here.")
                    }
                }
                state.items[index].version += 1
                // The log is the inbox's: changes in other folders are not synced.
                if state.items[index].folder == "inbox" { state.log.append(.updated(id)) }
                let item = state.items[index]
                return """
                    <m:UpdateItemResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Items><t:\(item.kind)>\(Self.itemID(item))</t:\(item.kind)></m:Items>
                      <m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>
                    </m:UpdateItemResponseMessage>
                    """
            }
            return EWSResponseFixtures.operation("UpdateItem", messages.joined(separator: "\n"))
        }
    }

    // MARK: CreateItem

    private func createItem(_ operation: EWSXMLElement) -> String {
        let disposition = operation.attributes["MessageDisposition"] ?? ""
        let savedFolder = operation.child("SavedItemFolderId")?.child("DistinguishedFolderId")?.attributes["Id"]
        guard disposition == "SendAndSaveCopy" || disposition == "SendOnly" else {
            return EWSResponseFixtures.operation(
                "CreateItem", Self.errorMessage("CreateItem", code: "ErrorInvalidRequest", text: "Only sending is supported by the fake."))
        }
        guard let message = operation.child("Items")?.child("Message"), let mimeText = message.trimmedText(of: "MimeContent"),
              let mime = Data(base64Encoded: mimeText, options: .ignoreUnknownCharacters)
        else {
            return EWSResponseFixtures.operation("CreateItem", Self.errorMessage("CreateItem", code: "ErrorMimeContentInvalid", text: "Invalid MIME content."))
        }
        let summary = MessageSummary(parsing: Array(mime))
        let sent = SentMessage(
            mime: Array(mime), summary: summary, disposition: disposition, savedItemFolder: savedFolder,
            bcc: message.child("BccRecipients")?.children(named: "Mailbox").compactMap { $0.trimmedText(of: "EmailAddress") } ?? [],
            inReplyTo: message.trimmedText(of: "InReplyTo"), references: message.trimmedText(of: "References"))
        state.withLock { state in
            state.sent.append(sent)
            guard disposition == "SendAndSaveCopy" else { return }
            let number = state.nextItemNumber
            state.nextItemNumber += 1
            state.items.append(Item(
                id: "AAMkADFake\(number)=", folder: savedFolder ?? "sentitems", subject: summary.subject ?? "", from: summary.from.first,
                to: summary.to, receivedAt: Date(), textBody: summary.snippet, categories: [],
                internetMessageID: summary.messageID ?? "", inReplyTo: sent.inReplyTo, references: sent.references))
        }
        return EWSResponseFixtures.operation("CreateItem", """
            <m:CreateItemResponseMessage ResponseClass="Success">
              <m:ResponseCode>NoError</m:ResponseCode>
              <m:Items/>
            </m:CreateItemResponseMessage>
            """)
    }

    // MARK: FindFolder

    private func findFolder(_ operation: EWSXMLElement) -> String {
        let deep = operation.attributes["Traversal"] == "Deep"
        let restricted = operation.child("Restriction") != nil
        let comparison = operation.child("Restriction")?.child("IsEqualTo")
        let field = comparison?.child("FieldURI")?.attributes["FieldURI"]
        let wanted = comparison?.child("FieldURIOrConstant")?.child("Constant")?.attributes["Value"]
        let parentID = operation.child("ParentFolderIds")?.children.first
        return state.withLock { state -> String in
            guard let parentID, let parent = Self.folderKey(parentID, in: state.folders) else {
                return EWSResponseFixtures.operation("FindFolder", Self.errorMessage(
                    "FindFolder", code: "ErrorFolderNotFound", text: "The specified folder could not be found in the store.", content: ""))
            }
            // This fake filters on one thing only; anything else would be answered wrongly.
            if restricted, field != "folder:DisplayName" || wanted == nil {
                return EWSResponseFixtures.operation("FindFolder", Self.errorMessage(
                    "FindFolder", code: "ErrorInvalidRestriction", text: "The fake answers IsEqualTo on folder:DisplayName only.", content: ""))
            }
            var below: [Folder] = []
            var parents: Set<String> = [parent]
            while !parents.isEmpty {
                let children = state.folders.filter { folder in folder.parent.map { parents.contains($0) } ?? false }
                below += children
                parents = deep ? Set(children.map(\.key)) : []
            }
            let matching = below.filter { folder in wanted.map { folder.displayName.lowercased() == $0.lowercased() } ?? true }
            // IdOnly: the FolderId alone, in the element that says what the folder holds.
            let entries = matching.map { folder in
                "<t:\(folder.kind)><t:FolderId Id=\"\(Self.escaped(folder.id))\" ChangeKey=\"AQAAABYAAA1\"/></t:\(folder.kind)>"
            }
            return EWSResponseFixtures.operation("FindFolder", """
                <m:FindFolderResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:RootFolder IndexedPagingOffset="\(matching.count)" TotalItemsInView="\(matching.count)" IncludesLastItemInRange="true">
                    <t:Folders>\(entries.joined())</t:Folders>
                  </m:RootFolder>
                </m:FindFolderResponseMessage>
                """)
        }
    }

    /// The key of the folder a `t:DistinguishedFolderId` or `t:FolderId` names, if it exists.
    private static func folderKey(_ element: EWSXMLElement, in folders: [Folder]) -> String? {
        guard let id = element.attributes["Id"] else { return nil }
        switch element.name {
        case "DistinguishedFolderId": return folders.first { $0.key == id }?.key
        case "FolderId": return folders.first { $0.id == id }?.key
        default: return nil
        }
    }

    // MARK: GetFolder

    private func getFolder(_ operation: EWSXMLElement) -> String {
        let requested = operation.child("FolderIds")?.children ?? []
        return state.withLock { state -> String in
            let messages = requested.map { element -> String in
                guard let key = Self.folderKey(element, in: state.folders), let folder = state.folders.first(where: { $0.key == key }) else {
                    return Self.errorMessage(
                        "GetFolder", code: "ErrorFolderNotFound", text: "The specified folder could not be found in the store.", content: "<m:Folders/>")
                }
                return """
                    <m:GetFolderResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Folders><t:\(folder.kind)><t:FolderId Id="\(Self.escaped(folder.id))" ChangeKey="AQAAABYAAA1"/></t:\(folder.kind)></m:Folders>
                    </m:GetFolderResponseMessage>
                    """
            }
            return EWSResponseFixtures.operation("GetFolder", messages.joined(separator: "\n"))
        }
    }

    // MARK: MoveItem

    /// Each item moves under a new ItemId, as Exchange gives a moved item; leaving the inbox is
    /// a Delete in its change log. A ChangeKey, if sent, is not checked: a move needs none.
    private func moveItem(_ operation: EWSXMLElement) -> String {
        let target = operation.child("ToFolderId")?.children.first
        let ids = operation.child("ItemIds")?.children(named: "ItemId").map { $0.attributes["Id"] ?? "" } ?? []
        return state.withLock { state -> String in
            let folder = target.flatMap { Self.folderKey($0, in: state.folders) }
            let messages = ids.map { id -> String in
                guard id.hasPrefix("AAMk") else {
                    return Self.errorMessage("MoveItem", code: "ErrorInvalidIdMalformed", text: "Id is malformed.")
                }
                guard let index = state.items.firstIndex(where: { $0.id == id }) else {
                    return Self.errorMessage("MoveItem", code: "ErrorItemNotFound", text: "The specified object was not found in the store.")
                }
                guard let folder else {
                    return Self.errorMessage("MoveItem", code: "ErrorFolderNotFound", text: "The specified folder could not be found in the store.")
                }
                let number = state.nextItemNumber
                state.nextItemNumber += 1
                let newID = "AAMkADFake\(number)="
                if state.items[index].folder == "inbox" { state.log.append(.deleted(id)) }
                if folder == "inbox" { state.log.append(.created(newID)) }
                state.items[index].id = newID
                state.items[index].folder = folder
                state.items[index].version += 1
                let item = state.items[index]
                return """
                    <m:MoveItemResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Items><t:\(item.kind)>\(Self.itemID(item))</t:\(item.kind)></m:Items>
                    </m:MoveItemResponseMessage>
                    """
            }
            return EWSResponseFixtures.operation("MoveItem", messages.joined(separator: "\n"))
        }
    }

    // MARK: Pieces

    private static func itemID(_ item: Item) -> String {
        "<t:ItemId Id=\"\(escaped(item.id))\" ChangeKey=\"\(escaped(item.changeKey))\"/>"
    }

    /// `content` is what the operation's message carries after the error (`<m:Items/>` for the
    /// item operations, nothing for FindFolder).
    private static func errorMessage(_ operation: String, code: String, text: String, content: String = "<m:Items/>") -> String {
        """
        <m:\(operation)ResponseMessage ResponseClass="Error">
          <m:MessageText>\(escaped(text))</m:MessageText>
          <m:ResponseCode>\(code)</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          \(content)
        </m:\(operation)ResponseMessage>
        """
    }

    static func escaped(_ text: String) -> String {
        EWSXMLWriter.escaped(text, inAttribute: true)
    }
}
