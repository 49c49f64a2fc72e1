import Foundation

extension EWSRequest {
    /// Exchange's page limits: 1,000 items, but only 250 when a restriction filters the view.
    static let findItemPageLimit = 1000
    static let restrictedFindItemPageLimit = 250

    /// One page of the first import: ids, subjects and receive times of a folder's items, newest
    /// first, optionally only those received after `receivedAfter` (the last N days). Page with
    /// `offset` = the previous reply's IndexedPagingOffset until IncludesLastItemInRange.
    /// Newest first, so mail arriving meanwhile shifts the pages by one and repeats an item
    /// rather than skipping one; callers deduplicate by id.
    public static func findItem(in folder: EWSFolder = .inbox, receivedAfter: Date? = nil, offset: Int = 0, pageSize: Int = 250) -> EWSRequest {
        let limit = receivedAfter == nil ? findItemPageLimit : restrictedFindItemPageLimit
        let entries = min(max(pageSize, 1), limit)
        return EWSRequest(operation: "FindItem", attributes: ["Traversal": "Shallow"]) { request in
            // Schema order: ItemShape, IndexedPageItemView, Restriction, SortOrder, ParentFolderIds.
            request.element("m:ItemShape") { shape in
                shape.element("t:BaseShape", "IdOnly")
                shape.element("t:AdditionalProperties") { properties in
                    properties.fieldURI(EWSFieldURI.subject)
                    properties.fieldURI(EWSFieldURI.dateTimeReceived)
                }
            }
            request.empty("m:IndexedPageItemView", [
                "MaxEntriesReturned": String(entries), "Offset": String(max(offset, 0)), "BasePoint": "Beginning",
            ])
            if let receivedAfter {
                request.element("m:Restriction") { restriction in
                    restriction.element("t:IsGreaterThan") { comparison in
                        comparison.fieldURI(EWSFieldURI.dateTimeReceived)
                        comparison.element("t:FieldURIOrConstant") { constant in
                            constant.empty("t:Constant", ["Value": EWSDateTime.string(from: receivedAfter)])
                        }
                    }
                }
            }
            request.element("m:SortOrder") { order in
                order.element("t:FieldOrder", ["Order": "Descending"]) { field in
                    field.fieldURI(EWSFieldURI.dateTimeReceived)
                }
            }
            request.element("m:ParentFolderIds") { parents in
                parents.distinguishedFolder(folder)
            }
        }
    }
}

/// The property paths the requests name (UnindexedFieldURIType); each exists in types.xsd, which
/// the schema test checks.
enum EWSFieldURI {
    static let subject = "item:Subject"
    static let dateTimeReceived = "item:DateTimeReceived"
    static let preview = "item:Preview"
    static let textBody = "item:TextBody"
    static let categories = "item:Categories"
    static let inReplyTo = "item:InReplyTo"
    static let from = "message:From"
    static let toRecipients = "message:ToRecipients"
    static let internetMessageID = "message:InternetMessageId"
    static let references = "message:References"
    static let isRead = "message:IsRead"
    static let folderDisplayName = "folder:DisplayName"
}
