extension EWSRequest {
    /// A well-known folder's FolderId (GetFolder, `IdOnly`). Display names are localised (the
    /// inbox is "Входящие" in a Russian mailbox), so only the id tells whether a folder found
    /// by name is this one.
    public static func getFolder(_ folder: EWSFolder) -> EWSRequest {
        EWSRequest(operation: "GetFolder") { request in
            // Schema order: FolderShape, FolderIds.
            request.element("m:FolderShape") { shape in
                shape.element("t:BaseShape", "IdOnly")
            }
            request.element("m:FolderIds") { ids in
                ids.distinguishedFolder(folder)
            }
        }
    }
}
