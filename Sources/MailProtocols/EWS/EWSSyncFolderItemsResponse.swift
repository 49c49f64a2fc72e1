import Foundation

/// One SyncFolderItems reply: the changes, and the state to send next time. Store `syncState`
/// only after the changes are processed; call again while `includesLastItemInRange` is false.
public struct EWSSyncChanges: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case created(EWSItemID, kind: EWSItemKind?, receivedAt: Date?)
        case updated(EWSItemID, kind: EWSItemKind?, receivedAt: Date?)
        case deleted(EWSItemID)
        case readFlagChanged(EWSItemID, isRead: Bool)
    }

    public let syncState: String
    /// True also when the server leaves it out, so a sync loop always ends; the next poll picks
    /// up whatever is left.
    public let includesLastItemInRange: Bool
    public let changes: [Change]
}

extension EWSResponse {
    /// - Throws: `EWSError.invalidSyncState` when the stored state is refused (start over without
    ///   one), and the other `EWSError`s.
    public static func syncChanges(body: [UInt8], contentType: String?) throws -> EWSSyncChanges {
        let message = try onlyResponseMessage(body: body, contentType: contentType, operation: "SyncFolderItems")
        guard let syncState = message.element.trimmedText(of: "SyncState"), !syncState.isEmpty else {
            throw EWSError.malformedResponse("SyncFolderItems response without a SyncState")
        }
        let includesLast = message.element.trimmedText(of: "IncludesLastItemInRange").map { $0 == "true" || $0 == "1" } ?? true
        let changes = (message.element.child("Changes")?.children ?? []).compactMap(change)
        return EWSSyncChanges(syncState: syncState, includesLastItemInRange: includesLast, changes: changes)
    }

    /// A change whose item id is missing is skipped: there is nothing to fetch or forget.
    private static func change(_ element: EWSXMLElement) -> EWSSyncChanges.Change? {
        switch element.name {
        case "Create", "Update":
            guard let item = element.children.first, let id = EWSItemElement.itemID(in: item) else { return nil }
            let kind = EWSItemKind(rawValue: item.name)
            let receivedAt = item.text(of: "DateTimeReceived").flatMap(EWSDateTime.date(from:))
            if element.name == "Create" { return EWSSyncChanges.Change.created(id, kind: kind, receivedAt: receivedAt) }
            return EWSSyncChanges.Change.updated(id, kind: kind, receivedAt: receivedAt)
        case "Delete":
            guard let id = EWSItemElement.itemID(in: element) else { return nil }
            return EWSSyncChanges.Change.deleted(id)
        case "ReadFlagChange":
            guard let id = EWSItemElement.itemID(in: element) else { return nil }
            return EWSSyncChanges.Change.readFlagChanged(id, isRead: element.trimmedText(of: "IsRead") == "true")
        default:
            return nil
        }
    }
}
