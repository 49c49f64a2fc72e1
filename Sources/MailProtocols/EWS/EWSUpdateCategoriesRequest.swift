import Foundation

extension EWSRequest {
    /// One item's new category list, written with the ChangeKey it was read with.
    public struct CategoryChange: Sendable, Equatable {
        public var item: EWSItemID
        public var kind: EWSItemKind
        /// The whole list: SetItemField replaces it, so callers read, add theirs, and write back.
        public var categories: [String]

        public init(item: EWSItemID, kind: EWSItemKind = .message, categories: [String]) {
            self.item = item
            self.kind = kind
            self.categories = categories
        }
    }

    /// Sets the Outlook categories of one or more items.
    ///
    /// `ConflictResolution="NeverOverwrite"`: if the item changed since its ChangeKey was read
    /// (the user added a category in Outlook meanwhile), Exchange answers
    /// ErrorIrresolvableConflict instead of writing, and the caller re-reads and retries once
    /// (`EWSError.changeKeyConflict`). AlwaysOverwrite would silently drop the user's change,
    /// and AutoResolve "in most cases" overwrites too (MS-OXWSCORE §3.1.4.9.4.1).
    /// `SaveOnly`: an update never sends anything. An empty list deletes the property, since
    /// an empty SetItemField is not a clear "no categories".
    public static func updateCategories(_ changes: [CategoryChange]) -> EWSRequest {
        EWSRequest(operation: "UpdateItem", attributes: ["MessageDisposition": "SaveOnly", "ConflictResolution": "NeverOverwrite"]) { request in
            request.element("m:ItemChanges") { itemChanges in
                for change in changes {
                    itemChanges.element("t:ItemChange") { itemChange in
                        itemChange.itemID(change.item)
                        itemChange.element("t:Updates") { updates in
                            let categories = uniqueCategories(change.categories)
                            if categories.isEmpty {
                                updates.element("t:DeleteItemField") { delete in
                                    delete.fieldURI(EWSFieldURI.categories)
                                }
                            } else {
                                updates.element("t:SetItemField") { setField in
                                    setField.fieldURI(EWSFieldURI.categories)
                                    setField.element("t:" + change.kind.rawValue) { item in
                                        item.element("t:Categories") { list in
                                            for category in categories { list.element("t:String", category) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The read-modify-write step: the item's `current` categories with `labels` added, or nil
    /// when it has them all already, so no UpdateItem (and no new ChangeKey) is needed.
    public static func categories(_ current: [String], adding labels: [String]) -> [String]? {
        let merged = uniqueCategories(current + labels)
        return merged.count == uniqueCategories(current).count ? nil : merged
    }

    /// The same step for taking labels off: the item's `current` categories without `labels`
    /// (in any letter case), or nil when it has none of them, so nothing is written.
    public static func categories(_ current: [String], removing labels: [String]) -> [String]? {
        let unwanted = Set(labels.map { $0.lowercased() })
        let kept = uniqueCategories(current).filter { !unwanted.contains($0.lowercased()) }
        return kept.count == uniqueCategories(current).count ? nil : kept
    }

    /// Names equal apart from case count once, so adding "lead" to an item tagged "Lead" changes
    /// nothing; the first spelling wins. Blank names are dropped.
    static func uniqueCategories(_ categories: [String]) -> [String] {
        var seen = Set<String>()
        return categories.filter { category in
            !category.trimmingCharacters(in: .whitespaces).isEmpty && seen.insert(category.lowercased()).inserted
        }
    }
}
