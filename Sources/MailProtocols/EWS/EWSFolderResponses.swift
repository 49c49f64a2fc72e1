/// A folder as FindFolder and GetFolder return it under `IdOnly`: its id, and what it holds.
public struct EWSFolderEntry: Sendable, Equatable {
    public let folder: EWSFolderID
    /// nil for an element this client does not know.
    public let kind: EWSFolderKind?

    /// nil when the FolderId is missing or empty, which no real folder's is.
    init?(_ element: EWSXMLElement) {
        guard let id = element.child("FolderId")?.attributes["Id"], !id.isEmpty else { return nil }
        folder = EWSFolderID(id: id)
        kind = EWSFolderKind(rawValue: element.name)
    }
}

/// The element a folder comes back as in `t:Folders` (ArrayOfFoldersType). Mail folders are
/// `t:Folder`; the others hold calendar entries, contacts, tasks or a saved search.
public enum EWSFolderKind: String, Sendable {
    case folder = "Folder"
    case calendar = "CalendarFolder"
    case contacts = "ContactsFolder"
    case search = "SearchFolder"
    case tasks = "TasksFolder"
}

extension EWSResponse {
    /// FindFolder: the folders found, in the reply's order. None found is an empty list: Exchange
    /// answers NoError with `TotalItemsInView="0"`, while ErrorFolderNotFound (thrown) means the
    /// folder searched in does not exist.
    public static func foundFolders(body: [UInt8], contentType: String?) throws -> [EWSFolderEntry] {
        let message = try onlyResponseMessage(body: body, contentType: contentType, operation: "FindFolder")
        guard let root = message.element.child("RootFolder") else {
            throw EWSError.malformedResponse("FindFolder response without RootFolder")
        }
        return (root.child("Folders")?.children ?? []).compactMap(EWSFolderEntry.init)
    }

    /// GetFolder of one folder: that folder.
    public static func folder(body: [UInt8], contentType: String?) throws -> EWSFolderEntry {
        let message = try onlyResponseMessage(body: body, contentType: contentType, operation: "GetFolder")
        guard let element = message.element.child("Folders")?.children.first, let entry = EWSFolderEntry(element) else {
            throw EWSError.malformedResponse("GetFolder response message without the folder")
        }
        return entry
    }
}
