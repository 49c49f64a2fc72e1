extension EWSRequest {
    /// The folders called `displayName` in `parent`: its direct subfolders (`.shallow`) or every
    /// folder below it (`.deep`). Exchange compares display names without regard to letter case.
    /// `IdOnly`: each folder comes back as its FolderId, inside an element that says what it
    /// holds (`t:Folder` for mail, `t:CalendarFolder`, `t:ContactsFolder`, …). No paging view:
    /// a restriction on one name leaves a handful of folders at most, all in one reply.
    public static func findFolders(named displayName: String, in parent: EWSFolderReference, traversal: EWSFolderTraversal) -> EWSRequest {
        EWSRequest(operation: "FindFolder", attributes: ["Traversal": traversal.rawValue]) { request in
            // Schema order: FolderShape, IndexedPageFolderView, Restriction, ParentFolderIds.
            request.element("m:FolderShape") { shape in
                shape.element("t:BaseShape", "IdOnly")
            }
            request.element("m:Restriction") { restriction in
                restriction.element("t:IsEqualTo") { comparison in
                    comparison.fieldURI(EWSFieldURI.folderDisplayName)
                    comparison.element("t:FieldURIOrConstant") { constant in
                        constant.empty("t:Constant", ["Value": displayName])
                    }
                }
            }
            request.element("m:ParentFolderIds") { parents in
                parents.folder(parent)
            }
        }
    }
}

/// How far below its parent FindFolder looks (FolderQueryTraversalType).
public enum EWSFolderTraversal: String, Sendable {
    case shallow = "Shallow"
    case deep = "Deep"
}
