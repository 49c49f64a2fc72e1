extension EWSRequest {
    /// Moves items into `folder` (MoveItem). No ChangeKey is needed: a move changes nothing of
    /// the item that a newer version could lose, so the caller need not read it first.
    /// ReturnNewItemIds is left out: Exchange returns the moved items' new ids by default (since
    /// Exchange 2007 SP1 RU4), except for moves into another mailbox or a public folder.
    /// `items` must not be empty: the schema requires at least one id.
    public static func moveItems(_ items: [EWSItemID], to folder: EWSFolderReference) -> EWSRequest {
        EWSRequest(operation: "MoveItem") { request in
            // Schema order: ToFolderId, ItemIds, ReturnNewItemIds.
            request.element("m:ToFolderId") { target in
                target.folder(folder)
            }
            request.element("m:ItemIds") { ids in
                for item in items { ids.itemID(item) }
            }
        }
    }
}
