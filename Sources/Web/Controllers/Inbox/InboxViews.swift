import Domain
import Foundation

/// View pieces the inbox pages share.
enum InboxViews {
    /// One `<option>` of a select.
    struct Option: TemplateFields {
        let value: String
        let label: String
        let selected: Bool

        var templateFields: [String: TemplateValue] { ["value": .text(value), "label": .text(label), "selected": .flag(selected)] }
    }

    /// A category as a coloured chip.
    struct CategoryChip {
        let name: String
        /// Always `#rrggbb`: it lands in an SVG `fill` attribute.
        let colour: String
    }

    static func chip(_ category: InboxCategory) -> CategoryChip {
        CategoryChip(name: category.name, colour: CategoryDayChart.safeColour(category.colour))
    }

    static func kindLabel(_ kind: MailboxKind, _ text: (String) -> String) -> String {
        text("mailbox_kind_\(kind.rawValue)")
    }

    static func statusLabel(_ status: MailboxSyncStatus, _ text: (String) -> String) -> String {
        text("mailbox_status_\(status.rawValue)")
    }

    /// Why a mailbox is in error, or `nil` when it is not: a mailbox that recovered keeps its
    /// last error in the database, but no page shows it any more.
    static func lastError(_ mailbox: Mailbox, localizer: Localizer, locale: AppLocale) -> MailProblemFormat.Text? {
        guard mailbox.status == .error else { return nil }
        return MailProblemFormat.text(mailbox.lastError, kind: mailbox.kind, localizer: localizer, locale: locale)
            ?? MailProblemFormat.Text(sentence: localizer.text("mailbox_error_unknown", locale), detail: nil)
    }

    /// "87 %": how sure the classifier was.
    static func percent(_ confidence: Double) -> String {
        "\(Int((min(max(confidence, 0), 1) * 100).rounded())) %"
    }
}
