import Domain
import Foundation
import Hummingbird
import Storage

/// The company's inbox categories with their processing rules, and the inbox settings (the
/// "needs review" label and the confidence below which a verdict goes to review). Everyone sees
/// them; owners and admins change them. Below them, people's corrections (the classifier's
/// training examples), which those who may correct a category may also delete.
struct CategoriesController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/categories", use: list)
        group.get("/categories/new", use: newForm)
        group.post("/categories", use: create)
        group.post("/categories/settings", use: saveSettings)
        group.get("/categories/{id}/edit", use: editForm)
        group.post("/categories/{id}", use: update)
        group.post("/categories/{id}/move", use: move)
        group.post("/categories/{id}/deactivate", use: deactivate)
        group.post("/categories/{id}/activate", use: activate)
        group.post("/categories/corrections/{id}/delete", use: deleteCorrection)
    }

    // MARK: Views

    struct CategoryRow {
        let id: String
        let name: String
        let description: String?
        let colour: String
        let labelName: String
        let isActive: Bool
        let ruleSummary: String
        let exampleCount: Int
        let correctionCount: Int
        let isFirst: Bool
        let isLast: Bool
    }

    struct CorrectionRow {
        let id: String
        let subject: String
        let sender: String
        let fromCategory: String?
        let toCategory: String
        let correctedBy: String
        let correctedAt: String
    }

    struct SettingsForm {
        let needsReviewLabel: String
        let reviewThreshold: String
    }

    struct ListView {
        let categories: [CategoryRow]
        let hasCategories: Bool
        let canManage: Bool
        let corrections: [CorrectionRow]
        let hasCorrections: Bool
        let canDeleteCorrections: Bool
        let settings: SettingsForm
        let settingsErrors: [String: String]
    }

    struct FormView {
        let isNew: Bool
        let action: String
        let form: CategoryForm
        let errors: [String: String]
        let errorSummary: [String]
        let hasErrors: Bool
        let labelPrefix: String
    }

    // MARK: List and settings

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.viewInbox)
        let member = try context.member()
        let settings = try await services.rules.settings(.tenant(member))
        return try await listPage(request, context, member: member,
                                  settings: SettingsForm(needsReviewLabel: settings.needsReviewLabel, reviewThreshold: Self.threshold(settings.reviewThreshold)),
                                  settingsErrors: FieldErrors(), status: .ok)
    }

    private func listPage(_ request: Request, _ context: AppRequestContext, member: TenantMember, settings: SettingsForm,
                          settingsErrors: FieldErrors, status: HTTPResponse.Status) async throws -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let categories = try await services.categories.list(.tenant(member))
        var rules: [UUID: InboxRule] = [:]
        for rule in try await services.rules.list(.tenant(member)) { rules[rule.categoryID] = rule }
        let correctionCounts = try await services.classifications.correctionCounts(.tenant(member))
        let rows = categories.indices.map { (index: Int) -> CategoryRow in
            let category = categories[index]
            return CategoryRow(
                id: category.id.uuidString, name: category.name, description: category.description.isEmpty ? nil : category.description,
                colour: CategoryDayChart.safeColour(category.colour), labelName: category.labelName, isActive: category.isActive,
                ruleSummary: Self.ruleSummary(rules[category.id], category: category, text: text), exampleCount: category.examples.count,
                correctionCount: correctionCounts[category.id] ?? 0, isFirst: index == 0, isLast: index == categories.count - 1)
        }
        let corrections = try await correctionRows(member: member, categories: categories, locale: locale)
        let view = ListView(categories: rows, hasCategories: !rows.isEmpty, canManage: AccessPolicy.allows(member.role, .manageCategories),
                            corrections: corrections, hasCorrections: !corrections.isEmpty,
                            canDeleteCorrections: AccessPolicy.allows(member.role, .correctClassification), settings: settings,
                            settingsErrors: services.renderer.localizer.messages(settingsErrors, locale))
        return services.renderer.page("categories", titleKey: "title_categories", content: view, request: request, context: context, status: status)
    }

    @Sendable func saveSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageCategories)
        let member = try context.member()
        let typedLabel = context.form["needs_review_label"]
        let typedThreshold = context.form["review_threshold"]
        let number = Double(typedThreshold.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")) ?? .nan
        let valid: InboxSettings
        do {
            valid = try InboxSettings(companyID: member.companyID, needsReviewLabel: typedLabel, reviewThreshold: number).validated()
        } catch let errors as FieldErrors {
            return try await listPage(request, context, member: member, settings: SettingsForm(needsReviewLabel: typedLabel, reviewThreshold: typedThreshold),
                                      settingsErrors: errors, status: .unprocessableContent)
        }
        _ = try await services.rules.updateSettings(member, needsReviewLabel: valid.needsReviewLabel, reviewThreshold: valid.reviewThreshold)
        await services.audit.record(kind: "inbox.settings_saved", identity: identity, context: context, details: [
            "needs_review_label": valid.needsReviewLabel, "review_threshold": Self.threshold(valid.reviewThreshold),
        ])
        try await services.flash(context, .success, "flash_inbox_settings_saved")
        return .seeOther("/categories")
    }

    // MARK: Adding and editing

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.manageCategories)
        _ = try context.member()
        return formPage(request, context, categoryID: nil, form: CategoryForm(), errors: FieldErrors(), status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageCategories)
        let member = try context.member()
        let form = CategoryForm(context.form)
        let parsed: CategoryForm.Parsed
        switch form.parsed() {
        case .success(let valid): parsed = valid
        case .failure(let errors):
            return formPage(request, context, categoryID: nil, form: form, errors: errors, status: .unprocessableContent)
        }
        let category: InboxCategory
        do {
            category = try await services.categories.create(member, parsed.draft)
        } catch StorageError.alreadyExists {
            return formPage(request, context, categoryID: nil, form: form, errors: FieldErrors(["name": "validation_category_exists"]), status: .unprocessableContent)
        }
        _ = try await services.rules.save(member, categoryID: category.id, actions: parsed.actions, isEnabled: parsed.ruleEnabled)
        await services.audit.record(kind: "category.created", identity: identity, context: context, details: [
            "category_id": category.id.uuidString, "name": category.name,
        ])
        try await services.flash(context, .success, "flash_category_added")
        return .seeOther("/categories")
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member, category) = try await ownCategory(context)
        let rule = try await services.rules.rule(forCategory: category.id, scope: .tenant(member))
        return formPage(request, context, categoryID: category.id, form: CategoryForm(category, rule: rule), errors: FieldErrors(), status: .ok)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, category) = try await ownCategory(context)
        let form = CategoryForm(context.form)
        let parsed: CategoryForm.Parsed
        switch form.parsed() {
        case .success(let valid): parsed = valid
        case .failure(let errors):
            return formPage(request, context, categoryID: category.id, form: form, errors: errors, status: .unprocessableContent)
        }
        do {
            _ = try await services.categories.update(member, id: category.id, parsed.draft)
        } catch StorageError.alreadyExists {
            return formPage(request, context, categoryID: category.id, form: form, errors: FieldErrors(["name": "validation_category_exists"]),
                            status: .unprocessableContent)
        }
        _ = try await services.rules.save(member, categoryID: category.id, actions: parsed.actions, isEnabled: parsed.ruleEnabled)
        await services.audit.record(kind: "category.updated", identity: identity, context: context, details: [
            "category_id": category.id.uuidString, "name": parsed.draft.name,
        ])
        try await services.flash(context, .success, "flash_category_saved")
        return .seeOther("/categories")
    }

    // MARK: Order and activity

    /// One step up or down in the list (and in the classifier's prompt).
    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, category) = try await ownCategory(context)
        let direction = context.form["direction"]
        guard direction == "up" || direction == "down" else { throw HTTPError(.badRequest) }
        var order = try await services.categories.list(.tenant(member)).map(\.id)
        guard let index = order.firstIndex(of: category.id) else { throw StorageError.notFound }
        let target = direction == "up" ? index - 1 : index + 1
        if order.indices.contains(target) {
            order.swapAt(index, target)
            _ = try await services.categories.reorder(member, orderedIDs: order)
            await services.audit.record(kind: "category.moved", identity: identity, context: context, details: [
                "category_id": category.id.uuidString, "direction": direction,
            ])
        }
        try await services.flash(context, .success, "flash_category_moved")
        return .seeOther("/categories")
    }

    @Sendable func deactivate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setActive(false, context: context)
    }

    @Sendable func activate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setActive(true, context: context)
    }

    private func setActive(_ active: Bool, context: AppRequestContext) async throws -> Response {
        let (identity, member, category) = try await ownCategory(context)
        _ = try await services.categories.setActive(member, id: category.id, active: active)
        await services.audit.record(kind: active ? "category.activated" : "category.deactivated", identity: identity, context: context,
                                    details: ["category_id": category.id.uuidString, "name": category.name])
        try await services.flash(context, .success, active ? "flash_category_activated" : "flash_category_deactivated")
        return .seeOther("/categories")
    }

    // MARK: Corrections

    /// The newest corrections, with category and people's names (a category or person that is
    /// gone shows as "—").
    private func correctionRows(member: TenantMember, categories: [InboxCategory], locale: AppLocale) async throws -> [CorrectionRow] {
        let corrections = try await services.classifications.corrections(.tenant(member), limit: Self.correctionsShown)
        guard !corrections.isEmpty else { return [] }
        let categoryNames = Dictionary(categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let people = Dictionary(try await services.users.list(.tenant(member)).map { ($0.id, $0.fullName) }, uniquingKeysWith: { first, _ in first })
        return corrections.map { correction in
            CorrectionRow(
                id: correction.id.uuidString, subject: correction.subject, sender: correction.sender,
                fromCategory: correction.previousCategoryID.map { categoryNames[$0] ?? "—" },
                toCategory: categoryNames[correction.categoryID] ?? "—", correctedBy: people[correction.correctedBy] ?? "—",
                correctedAt: DisplayFormat.dateTime(correction.createdAt, locale))
        }
    }

    static let correctionsShown = 100

    /// Forgets a training example: the message keeps its category, the embedded classifier is
    /// trained again without it on the next classify job, and the LLM prompt no longer shows it.
    /// Another tenant's id answers 404 before the role check.
    @Sendable func deleteCorrection(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.uuidParameter()
        let member = try context.member()
        _ = try await services.classifications.correction(id, scope: .tenant(member))
        let identity = try context.require(.correctClassification)
        let deleted = try await services.classifications.deleteCorrection(member, id: id)
        await services.audit.record(kind: "inbox.correction_deleted", identity: identity, context: context, details: [
            "correction_id": deleted.id.uuidString, "message_id": deleted.messageID?.uuidString ?? "",
            "category_id": deleted.categoryID.uuidString,
        ])
        try await services.flash(context, .success, "flash_correction_deleted")
        return .seeOther("/categories")
    }

    // MARK: Helpers

    /// The category named in the path, in the visitor's company (404 otherwise, before the role
    /// check), and the right to change it.
    private func ownCategory(_ context: AppRequestContext) async throws -> (Identity, TenantMember, InboxCategory) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let category = try await services.categories.find(id, scope: .tenant(member))
        let identity = try context.require(.manageCategories)
        return (identity, member, category)
    }

    private func formPage(_ request: Request, _ context: AppRequestContext, categoryID: UUID?, form: CategoryForm, errors: FieldErrors,
                          status: HTTPResponse.Status) -> Response {
        let messages = services.renderer.localizer.messages(errors, context.visitor.locale)
        let view = FormView(
            isNew: categoryID == nil, action: categoryID.map { "/categories/\($0.uuidString)" } ?? "/categories", form: form,
            errors: messages, errorSummary: Array(Set(messages.values)).sorted(), hasErrors: !messages.isEmpty, labelPrefix: InboxCategory.labelPrefix)
        return services.renderer.page("category-form", titleKey: categoryID == nil ? "title_category_new" : "title_category_edit", content: view,
                                      request: request, context: context, status: status)
    }

    /// The rule in a line: "Label SmartySales/Lead · Mark as read · Move to Archive".
    static func ruleSummary(_ rule: InboxRule?, category: InboxCategory, text: (String) -> String) -> String {
        guard let rule, rule.isEnabled else { return text("categories_rule_off") }
        var parts: [String] = []
        if rule.actions.applyLabel { parts.append("\(text("categories_rule_label")) \(category.labelName)") }
        if rule.actions.markAsRead { parts.append(text("categories_rule_read")) }
        if let folder = rule.actions.moveToFolder, !folder.isEmpty { parts.append("\(text("categories_rule_move")) \(folder)") }
        return parts.isEmpty ? text("categories_rule_nothing") : parts.joined(separator: " · ")
    }

    static func threshold(_ value: Double) -> String {
        String(format: "%.2f", locale: Locale(identifier: "en_US_POSIX"), value)
    }
}
