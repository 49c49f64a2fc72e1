import Domain
import Foundation

/// The category form as typed: the category itself and its processing rule, on one page.
struct CategoryForm {
    var name = ""
    var description = ""
    /// One example per line.
    var examples = ""
    var labelName = ""
    var colour = "#1e88e5"
    var isActive = true
    var applyLabel = true
    var markAsRead = false
    var moveToFolder = ""
    var ruleEnabled = true

    /// What a valid form asks for.
    struct Parsed {
        let draft: InboxCategoryDraft
        let actions: InboxRuleActions
        let ruleEnabled: Bool
    }

    init() {}

    init(_ category: InboxCategory, rule: InboxRule?) {
        name = category.name
        description = category.description
        examples = category.examples.joined(separator: "\n")
        labelName = category.labelName
        colour = category.colour
        isActive = category.isActive
        let actions = rule?.actions ?? .labelOnly
        applyLabel = actions.applyLabel
        markAsRead = actions.markAsRead
        moveToFolder = actions.moveToFolder ?? ""
        ruleEnabled = rule?.isEnabled ?? true
    }

    /// A posted form; an unticked checkbox is simply not sent.
    init(_ input: FormData) {
        name = input["name"]
        description = input["description"]
        examples = input["examples"]
        labelName = input["label_name"]
        colour = input["colour"]
        isActive = input.has("is_active")
        applyLabel = input.has("apply_label")
        markAsRead = input.has("mark_as_read")
        moveToFolder = input["move_to_folder"]
        ruleEnabled = input.has("rule_enabled")
    }

    /// The category and rule, or every wrong field by form field name. A blank label name
    /// becomes `SmartySales/<name>`.
    func parsed() -> Result<Parsed, FieldErrors> {
        var errors = FieldErrors()
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmedLabel = labelName.trimmingCharacters(in: .whitespacesAndNewlines)
        // Without a name there is no default label to speak of: the name's error says it all.
        let label = trimmedLabel.isEmpty ? InboxCategory.labelPrefix + (trimmedName.isEmpty ? "-" : trimmedName) : labelName
        var draft = InboxCategoryDraft(
            name: name, description: description, examples: examples.split(whereSeparator: \.isNewline).map(String.init),
            labelName: label, colour: colour, isActive: isActive)
        do {
            draft = try draft.validated()
        } catch {
            Self.merge(error, into: &errors)
        }
        var actions = InboxRuleActions(applyLabel: applyLabel, markAsRead: markAsRead, moveToFolder: moveToFolder)
        do {
            actions = try actions.validated()
        } catch {
            Self.merge(error, into: &errors)
        }
        return errors.isEmpty ? .success(Parsed(draft: draft, actions: actions, ruleEnabled: ruleEnabled)) : .failure(errors)
    }

    private static func merge(_ error: any Error, into errors: inout FieldErrors) {
        for (field, key) in (error as? FieldErrors)?.messages ?? [:] { errors.add(field, key) }
    }
}
