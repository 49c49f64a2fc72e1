import Foundation

extension EWSRequest {
    /// Marks items read: UpdateItem setting `message:IsRead`. `AlwaysOverwrite`, since the read
    /// flag is the whole change and nothing of the user's could be lost by writing it over a
    /// newer ChangeKey; the ChangeKey read with the item is sent anyway, as UpdateItem expects.
    public static func markAsRead(_ items: [EWSItemID]) -> EWSRequest {
        EWSRequest(operation: "UpdateItem", attributes: ["MessageDisposition": "SaveOnly", "ConflictResolution": "AlwaysOverwrite"]) { request in
            request.element("m:ItemChanges") { itemChanges in
                for item in items {
                    itemChanges.element("t:ItemChange") { itemChange in
                        itemChange.itemID(item)
                        itemChange.element("t:Updates") { updates in
                            updates.element("t:SetItemField") { setField in
                                setField.fieldURI(EWSFieldURI.isRead)
                                setField.element("t:Message") { message in
                                    message.element("t:IsRead", "true")
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
