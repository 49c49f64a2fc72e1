extension EWSResponse {
    /// UpdateItem: per item, the id with its new ChangeKey, or `.changeKeyConflict` when the
    /// item changed since it was read (re-read and retry once), or another item error.
    public static func updatedItems(body: [UInt8], contentType: String?) throws -> [Result<EWSItemID, EWSError>] {
        try responseMessages(body: body, contentType: contentType, operation: "UpdateItem").map { message -> Result<EWSItemID, EWSError> in
            if let error = message.error { return .failure(error) }
            // With NeverOverwrite a conflict is an error; a count here means the server merged anyway.
            if let conflicts = message.element.child("ConflictResults")?.trimmedText(of: "Count"), let count = Int(conflicts), count > 0 {
                return .failure(.changeKeyConflict)
            }
            guard let element = message.element.child("Items")?.children.first, let item = EWSItemElement.itemID(in: element) else {
                return .failure(.malformedResponse("UpdateItem response message without the updated item"))
            }
            return .success(item)
        }
    }

    /// MoveItem: per item, its id in the folder it was moved to (nil when Exchange gives none, as
    /// for a move into another mailbox), or why that item was not moved: ErrorItemNotFound when
    /// it is gone, ErrorFolderNotFound when the target folder is.
    public static func movedItems(body: [UInt8], contentType: String?) throws -> [Result<EWSItemID?, EWSError>] {
        try responseMessages(body: body, contentType: contentType, operation: "MoveItem").map { message -> Result<EWSItemID?, EWSError> in
            if let error = message.error { return .failure(error) }
            guard let element = message.element.child("Items")?.children.first else { return .success(nil) }
            return .success(EWSItemElement.itemID(in: element))
        }
    }

    /// CreateItem: the created items' ids. Empty after SendAndSaveCopy, which returns no items;
    /// the draft's id and ChangeKey after SaveOnly.
    public static func createdItems(body: [UInt8], contentType: String?) throws -> [EWSItemID] {
        let message = try onlyResponseMessage(body: body, contentType: contentType, operation: "CreateItem")
        return (message.element.child("Items")?.children ?? []).compactMap(EWSItemElement.itemID(in:))
    }

    /// CreateAttachment: the parent item with the ChangeKey it has after the last attachment,
    /// which SendItem needs.
    public static func attachmentParent(body: [UInt8], contentType: String?) throws -> EWSItemID {
        let messages = try responseMessages(body: body, contentType: contentType, operation: "CreateAttachment")
        if let error = messages.lazy.compactMap(\.error).first { throw error }
        let attachmentIDs = messages.flatMap { $0.element.child("Attachments")?.children ?? [] }.compactMap { $0.child("AttachmentId") }
        guard let last = attachmentIDs.last, let id = last.attributes["RootItemId"], !id.isEmpty else {
            throw EWSError.malformedResponse("CreateAttachment response without RootItemId")
        }
        return EWSItemID(id: id, changeKey: last.attributes["RootItemChangeKey"])
    }

    /// SendItem: returns when the message was sent, throws otherwise.
    public static func sent(body: [UInt8], contentType: String?) throws {
        _ = try onlyResponseMessage(body: body, contentType: contentType, operation: "SendItem")
    }
}
