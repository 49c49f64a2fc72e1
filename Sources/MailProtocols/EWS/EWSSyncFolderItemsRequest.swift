extension EWSRequest {
    /// Exchange returns at most 512 changes per call (MaxSyncChangesReturnedType).
    public static let syncChangesLimit = 512

    /// The changes in `folder` since `syncState` (nil or empty the first time: every item comes
    /// back as a Create). Item ids with their receive time only; details come from GetItem.
    /// The caller stores the reply's new SyncState only after it has processed the changes.
    public static func syncFolderItems(_ folder: EWSFolder = .inbox, syncState: String?, maxChanges: Int = 512) -> EWSRequest {
        EWSRequest(operation: "SyncFolderItems") { request in
            // Schema order: ItemShape, SyncFolderId, SyncState, MaxChangesReturned, SyncScope.
            request.element("m:ItemShape") { shape in
                shape.element("t:BaseShape", "IdOnly")
                shape.element("t:AdditionalProperties") { properties in
                    properties.fieldURI(EWSFieldURI.dateTimeReceived)
                }
            }
            request.element("m:SyncFolderId") { target in
                target.distinguishedFolder(folder)
            }
            if let syncState, !syncState.isEmpty {
                request.element("m:SyncState", syncState)
            }
            request.element("m:MaxChangesReturned", String(min(max(maxChanges, 1), syncChangesLimit)))
            request.element("m:SyncScope", "NormalItems")
        }
    }
}
