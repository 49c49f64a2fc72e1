import Foundation

/// One page of FindItem over a folder.
public struct EWSFindItemPage: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let item: EWSItemID
        public let kind: EWSItemKind?
        public let subject: String?
        public let receivedAt: Date?
    }

    public let entries: [Entry]
    /// Where the next page starts (the reply's IndexedPagingOffset).
    public let nextOffset: Int
    public let totalItemsInView: Int?
    /// IncludesLastItemInRange. Also true when the server leaves it out or sends an empty page,
    /// so a paging loop always ends.
    public let isLastPage: Bool
}

extension EWSResponse {
    public static func findItemPage(body: [UInt8], contentType: String?) throws -> EWSFindItemPage {
        let message = try onlyResponseMessage(body: body, contentType: contentType, operation: "FindItem")
        guard let root = message.element.child("RootFolder") else {
            throw EWSError.malformedResponse("FindItem response without RootFolder")
        }
        let entries = (root.child("Items")?.children ?? []).compactMap { element -> EWSFindItemPage.Entry? in
            guard let item = EWSItemElement.itemID(in: element) else { return nil }
            return EWSFindItemPage.Entry(
                item: item, kind: EWSItemKind(rawValue: element.name), subject: element.text(of: "Subject"),
                receivedAt: element.text(of: "DateTimeReceived").flatMap(EWSDateTime.date(from:)))
        }
        let includesLast = root.attributes["IncludesLastItemInRange"].map { $0 == "true" || $0 == "1" } ?? true
        let nextOffset = root.attributes["IndexedPagingOffset"].flatMap { Int($0) }
        return EWSFindItemPage(
            entries: entries,
            nextOffset: nextOffset ?? entries.count,
            totalItemsInView: root.attributes["TotalItemsInView"].flatMap { Int($0) },
            isLastPage: includesLast || entries.isEmpty)
    }
}
