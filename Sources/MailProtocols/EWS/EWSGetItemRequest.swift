extension EWSRequest {
    /// Our batch size, not a server limit: fifty items with capped bodies keep one reply small to
    /// parse and cheap to repeat after a throttling back-off.
    public static let getItemBatchLimit = 50

    /// The metadata the inbox stores for each of `items` (call in batches of at most
    /// `getItemBatchLimit`): subject, sender, recipients, time, a text body capped at
    /// `maximumBodyKilobytes` (the snippet needs the first 500 characters), the preview,
    /// threading ids and categories. BaseShape IdOnly returns each ItemId with its ChangeKey.
    /// `items` must not be empty: the schema requires at least one id.
    public static func getItems(_ items: [EWSItemID], maximumBodyKilobytes: Int = 8) -> EWSRequest {
        EWSRequest(operation: "GetItem") { request in
            // Schema order inside ItemShape: BaseShape, BodyType, MaximumBodySize, AdditionalProperties.
            request.element("m:ItemShape") { shape in
                shape.element("t:BaseShape", "IdOnly")
                shape.element("t:BodyType", "Text")
                shape.element("t:MaximumBodySize", String(max(maximumBodyKilobytes, 1)))
                shape.element("t:AdditionalProperties") { properties in
                    for uri in [
                        EWSFieldURI.subject, EWSFieldURI.from, EWSFieldURI.toRecipients, EWSFieldURI.dateTimeReceived,
                        EWSFieldURI.preview, EWSFieldURI.textBody, EWSFieldURI.internetMessageID, EWSFieldURI.inReplyTo,
                        EWSFieldURI.references, EWSFieldURI.categories,
                    ] {
                        properties.fieldURI(uri)
                    }
                }
            }
            request.element("m:ItemIds") { ids in
                for item in items { ids.itemID(item) }
            }
        }
    }
}
