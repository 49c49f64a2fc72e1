import Foundation

/// What happens in the mailbox to a message classified into a category.
public struct InboxRuleActions: Sendable, Equatable, Codable {
    /// Write the category's label (Gmail label, IMAP keyword, Outlook category).
    public var applyLabel: Bool
    public var markAsRead: Bool
    /// A folder to move the message to, done last (a move gives an IMAP message a new UID).
    public var moveToFolder: String?

    public init(applyLabel: Bool = true, markAsRead: Bool = false, moveToFolder: String? = nil) {
        self.applyLabel = applyLabel
        self.markAsRead = markAsRead
        self.moveToFolder = moveToFolder
    }

    /// What every new category starts with.
    public static let labelOnly = InboxRuleActions()

    public static let maximumFolderLength = 200

    /// Checks the folder name (form field `move_to_folder`); a blank one means "do not move".
    public func validated() throws -> InboxRuleActions {
        var errors = FieldErrors()
        var actions = self
        if let folder = moveToFolder?.trimmingCharacters(in: .whitespacesAndNewlines) {
            if folder.isEmpty {
                actions.moveToFolder = nil
            } else if folder.count > Self.maximumFolderLength {
                errors.add("move_to_folder", "validation_too_long")
            } else if !InboxLabelRules.isValidLabelName(folder) {
                errors.add("move_to_folder", "validation_folder_name")
            } else {
                actions.moveToFolder = folder
            }
        }
        try errors.throwIfAny()
        return actions
    }
}

/// A tenant's processing rule for one category (one rule per category).
public struct InboxRule: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID
    public let categoryID: UUID
    public var actions: InboxRuleActions
    /// A switched-off rule leaves the message's classification in place but touches nothing in the mailbox.
    public var isEnabled: Bool

    public init(id: UUID, companyID: UUID, categoryID: UUID, actions: InboxRuleActions, isEnabled: Bool) {
        self.id = id
        self.companyID = companyID
        self.categoryID = categoryID
        self.actions = actions
        self.isEnabled = isEnabled
    }
}

/// Inbox settings of one tenant.
public struct InboxSettings: Sendable, Equatable {
    public static let defaultReviewThreshold = 0.6

    public let companyID: UUID
    /// Written instead of a category's label when a verdict is not sure enough.
    public var needsReviewLabel: String
    /// Verdicts below this confidence go to review instead of to the rules.
    public var reviewThreshold: Double

    public init(companyID: UUID, needsReviewLabel: String, reviewThreshold: Double) {
        self.companyID = companyID
        self.needsReviewLabel = needsReviewLabel
        self.reviewThreshold = reviewThreshold
    }

    public static func defaultNeedsReviewLabel(for locale: AppLocale) -> String {
        switch locale {
        case .ru: InboxCategory.labelPrefix + "На проверку"
        case .en: InboxCategory.labelPrefix + "Needs review"
        }
    }

    public static func defaults(companyID: UUID, locale: AppLocale) -> InboxSettings {
        InboxSettings(companyID: companyID, needsReviewLabel: defaultNeedsReviewLabel(for: locale), reviewThreshold: defaultReviewThreshold)
    }

    /// Checks the form (`needs_review_label`, `review_threshold`) and returns the settings trimmed.
    public func validated() throws -> InboxSettings {
        var errors = FieldErrors()
        var settings = self
        settings.needsReviewLabel = InboxLabelRules.labelName(needsReviewLabel, field: "needs_review_label", into: &errors)
        if !(0...1).contains(reviewThreshold) || reviewThreshold.isNaN { errors.add("review_threshold", "validation_threshold") }
        try errors.throwIfAny()
        return settings
    }
}
