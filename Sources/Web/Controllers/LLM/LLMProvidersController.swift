import Domain
import Foundation
import Hummingbird
import LLM
import Storage
import Workers

/// The company's own LLM providers: which models classify its mail (and later enrich prospects
/// and write e-mails), with whose key, in which order of fallback. Owners and admins only: API
/// keys pass through these forms. A stored key is never put into a page, not even as a
/// placeholder; the list shows its last four characters, kept when it was typed.
struct LLMProvidersController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/settings/llm", use: list)
        group.get("/settings/llm/new", use: newForm)
        group.post("/settings/llm", use: create)
        group.post("/settings/llm/test", use: testNew)
        group.get("/settings/llm/{id}/edit", use: editForm)
        group.post("/settings/llm/{id}", use: update)
        group.post("/settings/llm/{id}/test", use: testExisting)
        group.post("/settings/llm/{id}/move", use: move)
        group.post("/settings/llm/{id}/delete", use: delete)
    }

    // MARK: Views

    struct ProviderRow {
        let id: String
        let providerLabel: String
        let model: String
        let baseURL: String?
        let keyHint: String?
        let order: Int
        let isEnabled: Bool
        let isFirst: Bool
        let isLast: Bool
    }

    struct ListView {
        let providers: [ProviderRow]
        let hasProviders: Bool
        /// Which classifier the tenant's mail goes to now: exactly one is true.
        let usesOwn: Bool
        let usesPlatform: Bool
        let usesEmbedded: Bool
        /// The tenant has providers, but every one is switched off.
        let allDisabled: Bool
        /// The platform's providers, as names ("OpenAI, DeepSeek").
        let platformProviders: String
        /// "Add" buttons for the providers the tenant has no key for yet.
        let addOptions: [InboxViews.Option]
        let canAdd: Bool
    }

    /// The answer of "Test" in plain words.
    struct CheckView {
        let succeeded: Bool
        let sentence: String
        /// The provider's own words, for whoever looks after the account.
        let detail: String?
        let model: String?
    }

    struct FormView {
        let isNew: Bool
        let action: String
        let testAction: String
        let form: LLMProviderForm
        let providerOptions: [InboxViews.Option]
        /// "gpt-4.1-mini (OpenAI) · …": what a blank model field means.
        let defaultModels: String
        /// The stored key's last characters (edit form).
        let keyHint: String?
        let errors: [String: String]
        /// Every message once, at the top of the form.
        let errorSummary: [String]
        let hasErrors: Bool
        let check: CheckView?
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.manageLLMProviders)
        let member = try context.member()
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let providers = try await services.llmProviders.list(.tenant(member))
        let rows = providers.indices.map { (index: Int) -> ProviderRow in
            let provider = providers[index]
            return ProviderRow(
                id: provider.id.uuidString, providerLabel: Self.label(provider.provider, text), model: provider.model,
                baseURL: provider.baseURL, keyHint: provider.keyHint.isEmpty ? nil : provider.keyHint, order: index + 1,
                isEnabled: provider.isEnabled, isFirst: index == 0, isLast: index == providers.count - 1)
        }
        let usesOwn = providers.contains(where: \.isEnabled)
        let platform = services.platformLLM.configurations.map { Self.label($0.kind, text) }
        let taken = Set(providers.map(\.provider))
        let addOptions = LLMProvider.allCases.filter { !taken.contains($0) }.map { (provider: LLMProvider) -> InboxViews.Option in
            InboxViews.Option(value: provider.rawValue, label: Self.label(provider, text), selected: false)
        }
        let view = ListView(
            providers: rows, hasProviders: !rows.isEmpty, usesOwn: usesOwn, usesPlatform: !usesOwn && !platform.isEmpty,
            usesEmbedded: !usesOwn && platform.isEmpty, allDisabled: !providers.isEmpty && !usesOwn,
            platformProviders: platform.joined(separator: ", "), addOptions: addOptions, canAdd: !addOptions.isEmpty)
        return services.renderer.page("llm-providers", titleKey: "title_llm_providers", content: view, request: request, context: context)
    }

    // MARK: Adding

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.manageLLMProviders)
        _ = try context.member()
        let chosen = LLMProvider(rawValue: String(request.uri.queryParameters["provider"] ?? "")) ?? .openAI
        return formPage(request, context, stored: nil, form: LLMProviderForm(provider: chosen), errors: FieldErrors(), check: nil, status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageLLMProviders)
        let member = try context.member()
        let form = LLMProviderForm(context.form, base: LLMProviderForm())
        var errors = FieldErrors()
        let parsed = Self.parse(form, into: &errors)
        let key = LLMProviderForm.key(context.form, into: &errors)
        if key.isEmpty { errors.add(LLMProviderForm.keyField, "validation_required") }
        guard errors.isEmpty, let draft = parsed else {
            return formPage(request, context, stored: nil, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        return try await save(request, context, identity: identity, member: member, stored: nil, form: form, draft: draft, key: key)
    }

    /// "Test" on the add form: the same page again with the answer, what was typed kept, the key not.
    @Sendable func testNew(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageLLMProviders)
        let member = try context.member()
        let form = LLMProviderForm(context.form, base: LLMProviderForm())
        var errors = FieldErrors()
        let parsed = Self.parse(form, into: &errors)
        let key = LLMProviderForm.key(context.form, into: &errors)
        if key.isEmpty { errors.add(LLMProviderForm.keyField, "validation_required") }
        guard errors.isEmpty, let draft = parsed else {
            return formPage(request, context, stored: nil, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        let check = await runTest(draft, key: key, providerID: nil, member: member, identity: identity, context: context)
        return formPage(request, context, stored: nil, form: form, errors: FieldErrors(), check: check, status: .ok)
    }

    // MARK: Changing

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, stored) = try await ownProvider(context)
        return formPage(request, context, stored: stored, form: LLMProviderForm(stored), errors: FieldErrors(), check: nil, status: .ok)
    }

    /// Saves new settings. An empty key keeps the stored one, except when the provider or its
    /// base URL changed: the stored key goes only where it went before.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, stored) = try await ownProvider(context)
        let form = LLMProviderForm(context.form, base: LLMProviderForm(stored))
        var errors = FieldErrors()
        let parsed = Self.parse(form, into: &errors)
        let key = LLMProviderForm.key(context.form, into: &errors)
        if let draft = parsed, key.isEmpty, Self.pointsElsewhere(draft, stored) {
            errors.add(LLMProviderForm.keyField, "validation_llm_key_for_new_server")
        }
        guard errors.isEmpty, let draft = parsed else {
            return formPage(request, context, stored: stored, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        return try await save(request, context, identity: identity, member: member, stored: stored, form: form, draft: draft, key: key)
    }

    /// "Test" on the edit form, or on a row of the list (which posts no fields: the stored
    /// settings are tested). Without a new key the stored one is used, on the same conditions
    /// as saving.
    @Sendable func testExisting(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, stored) = try await ownProvider(context)
        let form = LLMProviderForm(context.form, base: LLMProviderForm(stored))
        var errors = FieldErrors()
        let parsed = Self.parse(form, into: &errors)
        let typed = LLMProviderForm.key(context.form, into: &errors)
        if let draft = parsed, typed.isEmpty, Self.pointsElsewhere(draft, stored) {
            errors.add(LLMProviderForm.keyField, "validation_llm_key_for_new_server")
        }
        guard errors.isEmpty, let draft = parsed else {
            return formPage(request, context, stored: stored, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        let key: String
        if typed.isEmpty {
            key = try await services.llmProviders.credentials(for: stored).apiKey
        } else {
            key = typed
        }
        let check = await runTest(draft, key: key, providerID: stored.id, member: member, identity: identity, context: context)
        return formPage(request, context, stored: stored, form: form, errors: FieldErrors(), check: check, status: .ok)
    }

    /// One step up or down in the fallback order.
    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, stored) = try await ownProvider(context)
        let direction = context.form["direction"]
        guard direction == "up" || direction == "down" else { throw HTTPError(.badRequest) }
        var order = try await services.llmProviders.list(.tenant(member)).map(\.id)
        guard let index = order.firstIndex(of: stored.id) else { throw StorageError.notFound }
        let target = direction == "up" ? index - 1 : index + 1
        if order.indices.contains(target) {
            order.swapAt(index, target)
            _ = try await services.llmProviders.reorder(member, orderedIDs: order)
            await services.audit.record(kind: "llm.provider_moved", identity: identity, context: context, details: [
                "provider_id": stored.id.uuidString, "provider": stored.provider.rawValue, "direction": direction,
            ])
        }
        try await services.flash(context, .success, "flash_llm_provider_moved")
        return .seeOther("/settings/llm")
    }

    /// Forgets the provider and its key.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, stored) = try await ownProvider(context)
        try await services.llmProviders.delete(member, id: stored.id)
        await services.audit.record(kind: "llm.provider_deleted", identity: identity, context: context, details: [
            "provider_id": stored.id.uuidString, "provider": stored.provider.rawValue, "model": stored.model,
        ])
        try await services.flash(context, .success, "flash_llm_provider_deleted")
        return .seeOther("/settings/llm")
    }

    // MARK: Helpers

    private func save(_ request: Request, _ context: AppRequestContext, identity: Identity, member: TenantMember, stored: TenantLLMProvider?,
                      form: LLMProviderForm, draft: TenantLLMProviderDraft, key: String) async throws -> Response {
        let saved: TenantLLMProvider
        do {
            saved = try await services.llmProviders.save(member, id: stored?.id, draft, apiKey: key)
        } catch StorageError.alreadyExists {
            return formPage(request, context, stored: stored, form: form, errors: FieldErrors(["provider": "validation_llm_provider_exists"]),
                            check: nil, status: .unprocessableContent)
        } catch let refused as FieldErrors {
            return formPage(request, context, stored: stored, form: form, errors: refused, check: nil, status: .unprocessableContent)
        }
        // What was saved, never the key (not even its last characters).
        await services.audit.record(kind: "llm.provider_saved", identity: identity, context: context, details: [
            "provider_id": saved.id.uuidString, "provider": saved.provider.rawValue, "model": saved.model,
            "base_url": saved.baseURL ?? "default", "enabled": saved.isEnabled ? "yes" : "no",
            "created": stored == nil ? "yes" : "no", "key_replaced": key.isEmpty ? "no" : "yes",
        ])
        try await services.flash(context, .success, "flash_llm_provider_saved")
        return .seeOther("/settings/llm")
    }

    private func runTest(_ draft: TenantLLMProviderDraft, key: String, providerID: UUID?, member: TenantMember, identity: Identity,
                         context: AppRequestContext) async -> LLMProviderCheck {
        let configuration = TenantLLMConfigurationSource.configuration(
            LLMProviderCredentials(provider: draft.provider, model: draft.model, baseURL: draft.baseURL, apiKey: key))
        let check = await services.llmTester.test(configuration, companyID: member.companyID, audit: services.auditSink)
        var details = ["provider": draft.provider.rawValue, "model": draft.model, "outcome": check.problem?.rawValue ?? "ok"]
        if let providerID { details["provider_id"] = providerID.uuidString }
        await services.audit.record(kind: "llm.provider_tested", identity: identity, context: context, details: details)
        return check
    }

    /// The provider named in the path, in the visitor's company (404 otherwise, before the role
    /// check, so another tenant's id reveals nothing), and the right to manage it.
    private func ownProvider(_ context: AppRequestContext) async throws -> (Identity, TenantMember, TenantLLMProvider) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let stored = try await services.llmProviders.find(id, scope: .tenant(member))
        let identity = try context.require(.manageLLMProviders)
        return (identity, member, stored)
    }

    private static func parse(_ form: LLMProviderForm, into errors: inout FieldErrors) -> TenantLLMProviderDraft? {
        switch form.draft() {
        case .success(let draft):
            return draft
        case .failure(let invalid):
            for (field, key) in invalid.messages { errors.add(field, key) }
            return nil
        }
    }

    /// The stored key would go to another provider or address than before.
    static func pointsElsewhere(_ draft: TenantLLMProviderDraft, _ stored: TenantLLMProvider) -> Bool {
        draft.provider != stored.provider || draft.baseURL != stored.baseURL
    }

    static func label(_ provider: LLMProvider, _ text: (String) -> String) -> String {
        text("llm_provider_\(provider.rawValue)")
    }

    static func label(_ kind: LLMProviderKind, _ text: (String) -> String) -> String {
        text("llm_provider_\(kind.rawValue)")
    }

    private func formPage(_ request: Request, _ context: AppRequestContext, stored: TenantLLMProvider?, form: LLMProviderForm,
                          errors: FieldErrors, check: LLMProviderCheck?, status: HTTPResponse.Status) -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let messages = services.renderer.localizer.messages(errors, locale)
        let base = stored.map { "/settings/llm/\($0.id.uuidString)" } ?? "/settings/llm"
        let options = LLMProvider.allCases.map { (provider: LLMProvider) -> InboxViews.Option in
            InboxViews.Option(value: provider.rawValue, label: Self.label(provider, text), selected: provider.rawValue == form.provider)
        }
        let defaults = LLMProvider.allCases.map { (provider: LLMProvider) -> String in
            "\(provider.defaultModel) (\(Self.label(provider, text)))"
        }
        let view = FormView(
            isNew: stored == nil, action: base, testAction: base + "/test", form: form, providerOptions: options,
            defaultModels: defaults.joined(separator: " · "),
            keyHint: stored.flatMap { $0.keyHint.isEmpty ? nil : $0.keyHint },
            errors: messages, errorSummary: Array(Set(messages.values)).sorted(), hasErrors: !messages.isEmpty,
            check: check.map { Self.checkView($0, text: text) })
        return services.renderer.page("llm-provider-form", titleKey: stored == nil ? "title_llm_provider_new" : "title_llm_provider_edit",
                                      content: view, request: request, context: context, status: status)
    }

    static func checkView(_ check: LLMProviderCheck, text: (String) -> String) -> CheckView {
        guard let problem = check.problem else {
            return CheckView(succeeded: true, sentence: text("llm_check_ok"), detail: nil, model: check.model)
        }
        return CheckView(succeeded: false, sentence: text("llm_problem_\(problem.rawValue)"),
                         detail: check.detail.isEmpty ? nil : check.detail, model: nil)
    }
}
