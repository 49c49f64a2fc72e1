extension EWSResponse {
    /// One outcome per requested id, in request order: the message, or why that one item failed
    /// (ErrorItemNotFound when it was deleted meanwhile). A failed item does not spoil the batch.
    public static func messages(body: [UInt8], contentType: String?) throws -> [Result<EWSMessage, EWSError>] {
        try responseMessages(body: body, contentType: contentType, operation: "GetItem").map { message -> Result<EWSMessage, EWSError> in
            if let error = message.error { return .failure(error) }
            guard let element = message.element.child("Items")?.children.first, let parsed = EWSMessage(element) else {
                return .failure(.malformedResponse("GetItem response message without an item"))
            }
            return .success(parsed)
        }
    }
}
