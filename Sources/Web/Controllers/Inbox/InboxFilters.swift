import Domain
import Foundation
import Storage

/// The inbox list's filters as they travel in the URL (a GET form, so a filtered list can be
/// bookmarked and shared), and their translation into the repository's ``InboxFilter``.
struct InboxFilters {
    var mailbox = ""
    var category = ""
    /// `yyyy-MM-dd`, inclusive, Moscow days.
    var from = ""
    var to = ""
    var review = false
    var failed = false
    /// Only messages without a verdict yet.
    var unclassified = false
    var q = ""

    init() {}

    /// Parsed like a form body, so `+` in a search reads as a space.
    init(query: String?) {
        let values = FormData(urlEncoded: query ?? "")
        mailbox = values["mailbox"]
        category = values["category"]
        from = values["from"]
        to = values["to"]
        review = !values["review"].isEmpty
        failed = !values["failed"].isEmpty
        unclassified = !values["unclassified"].isEmpty
        q = values["q"].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The repository's filter; a date with a field error is left out (the page says why).
    var inboxFilter: InboxFilter {
        let errors = dateErrors
        return InboxFilter(
            mailboxID: UUID(uuidString: mailbox), categoryID: UUID(uuidString: category),
            from: errors["from"] == nil ? Self.day(from) : nil,
            to: errors["to"] == nil ? Self.day(to).map { $0.addingTimeInterval(24 * 3600) } : nil,
            needsReview: review, failedLabelActions: failed, search: q.isEmpty ? nil : String(q.prefix(200)),
            unclassified: unclassified)
    }

    /// A date that is no real day (a hand-edited link, a browser without a date picker), or a
    /// "to" before "from", as field errors keyed by the field.
    var dateErrors: FieldErrors {
        var errors = FieldErrors()
        let fromDay = Self.day(from)
        let toDay = Self.day(to)
        if !from.isEmpty && fromDay == nil { errors.add("from", "validation_filter_date") }
        if !to.isEmpty && toDay == nil { errors.add("to", "validation_filter_date") }
        if let fromDay, let toDay, toDay < fromDay { errors.add("to", "validation_filter_date_order") }
        return errors
    }

    /// `yyyy-MM-dd` as the start of that Moscow day, only when it reads back the same: no
    /// 31 February rolled over into March, no other spelling of a day.
    static func day(_ text: String) -> Date? {
        guard let day = DisplayFormat.parseDay(text), DisplayFormat.isoDay(day) == text else { return nil }
        return day
    }

    var isFiltered: Bool {
        !mailbox.isEmpty || !category.isEmpty || !from.isEmpty || !to.isEmpty || review || failed || unclassified || !q.isEmpty
    }

    /// `/inbox` with these filters, starting after `cursor` when given.
    func url(after cursor: String? = nil) -> String {
        var pairs = [("mailbox", mailbox), ("category", category), ("from", from), ("to", to), ("q", q)].filter { !$0.1.isEmpty }
        if review { pairs.append(("review", "1")) }
        if failed { pairs.append(("failed", "1")) }
        if unclassified { pairs.append(("unclassified", "1")) }
        if let cursor { pairs.append(("after", cursor)) }
        let query = pairs.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        return query.isEmpty ? "/inbox" : "/inbox?" + query
    }

    /// The list a message card goes back to, from its `back` parameter: only `/inbox` itself,
    /// with or without a query, in printable ASCII (the list's own links are fully
    /// percent-encoded). Anything else (another site, `//host`, another page) is refused, so
    /// the parameter can never redirect anyone elsewhere.
    static func validatedBack(_ raw: String) -> String? {
        guard raw.count <= 2_000, raw == "/inbox" || raw.hasPrefix("/inbox?") else { return nil }
        guard raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else { return nil }
        return raw
    }

    /// The query a link to a message card carries so the card can go back to `back`: empty
    /// for the plain list.
    static func cardQuery(back: String?) -> String {
        guard let back, back != "/inbox" else { return "" }
        return "?back=" + encode(back)
    }

    /// Everything but unreserved ASCII percent-encoded (a space as %20, a `+` as %2B).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static var unreserved: CharacterSet {
        CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    }
}
