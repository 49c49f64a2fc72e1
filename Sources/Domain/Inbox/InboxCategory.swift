import Foundation

/// One of a tenant's own categories for incoming mail. The label name is what appears in the
/// mailbox (a Gmail label, an IMAP keyword, an Outlook category) when a rule applies it.
public struct InboxCategory: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID
    public var name: String
    /// Tells the classifier what belongs here.
    public var description: String
    /// Short texts of typical mail; hints for a model, training data for the embedded classifier.
    public var examples: [String]
    public var labelName: String
    /// `#rrggbb`, lower case.
    public var colour: String
    /// Order in lists and in the prompt, from 0.
    public var position: Int
    /// An inactive category is kept (its history stays readable) but offered to no classifier.
    public var isActive: Bool

    public init(
        id: UUID, companyID: UUID, name: String, description: String, examples: [String], labelName: String,
        colour: String, position: Int, isActive: Bool
    ) {
        self.id = id
        self.companyID = companyID
        self.name = name
        self.description = description
        self.examples = examples
        self.labelName = labelName
        self.colour = colour
        self.position = position
        self.isActive = isActive
    }
}

/// A category as a form (or the defaults) describe it, before it has an id and a place.
public struct InboxCategoryDraft: Sendable, Equatable {
    public var name: String
    public var description: String
    public var examples: [String]
    public var labelName: String
    public var colour: String
    public var isActive: Bool

    public init(name: String, description: String, examples: [String], labelName: String, colour: String, isActive: Bool = true) {
        self.name = name
        self.description = description
        self.examples = examples
        self.labelName = labelName
        self.colour = colour
        self.isActive = isActive
    }

    public static let maximumNameLength = 60
    public static let maximumDescriptionLength = 1_000
    public static let maximumExamples = 20
    public static let maximumExampleLength = 500

    /// Checks the draft and names every wrong field (`name`, `description`, `examples`,
    /// `label_name`, `colour`). Returns it trimmed: blank examples dropped, colour lower-cased.
    public func validated() throws -> InboxCategoryDraft {
        var errors = FieldErrors()
        var draft = self
        draft.name = FormRules.requireText(name, field: "name", maxLength: Self.maximumNameLength, into: &errors)
        draft.description = FormRules.optionalText(description, field: "description", maxLength: Self.maximumDescriptionLength, into: &errors)
        draft.examples = examples.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if draft.examples.count > Self.maximumExamples || draft.examples.contains(where: { $0.count > Self.maximumExampleLength }) {
            errors.add("examples", "validation_too_long")
        }
        draft.labelName = InboxLabelRules.labelName(labelName, field: "label_name", into: &errors)
        draft.colour = InboxLabelRules.colour(colour, field: "colour", into: &errors)
        try errors.throwIfAny()
        return draft
    }
}

/// Rules for the names written into mailboxes and the colours shown beside them.
public enum InboxLabelRules {
    public static let maximumLabelLength = 100

    /// A label name as mail servers take it: not blank, at most 100 characters, no control
    /// characters, and no empty level in a nested Gmail label (`a//b`, `/a`, `a/`).
    public static func labelName(_ value: String, field: String, into errors: inout FieldErrors) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.add(field, "validation_required")
        } else if trimmed.count > maximumLabelLength {
            errors.add(field, "validation_too_long")
        } else if !isValidLabelName(trimmed) {
            errors.add(field, "validation_label_name")
        }
        return trimmed
    }

    public static func isValidLabelName(_ label: String) -> Bool {
        guard !label.isEmpty, label.count <= maximumLabelLength else { return false }
        let hasControl = label.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
        guard !hasControl else { return false }
        return label.split(separator: "/", omittingEmptySubsequences: false)
            .allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `#rrggbb` (three-digit `#rgb` is widened); returned lower-cased.
    public static func colour(_ value: String, field: String, into errors: inout FieldErrors) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let normalised = normalisedColour(trimmed) else {
            errors.add(field, trimmed.isEmpty ? "validation_required" : "validation_colour")
            return trimmed
        }
        return normalised
    }

    public static func normalisedColour(_ value: String) -> String? {
        let text = value.lowercased()
        guard text.hasPrefix("#") else { return nil }
        let digits = Array(text.dropFirst())
        guard digits.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
        switch digits.count {
        case 6: return text
        case 3: return "#" + digits.map { "\($0)\($0)" }.joined()
        default: return nil
        }
    }
}
