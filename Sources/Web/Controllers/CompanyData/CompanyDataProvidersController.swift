import Domain
import Foundation
import Hummingbird
import Storage

/// The company's own keys for the company-data services that enrichment asks (DaData, Checko,
/// Rusprofile, api-fns). Owners and admins only: API keys pass through these forms. A stored key
/// is never put into a page, not even as a placeholder; the list shows its last four characters.
/// Without a key of its own for a service, the tenant uses the platform's key for it, when the
/// operator configured one. Rusprofile is listed but cannot be saved
/// (`CompanyDataProviderKind.isAvailable`): its API could not be verified against documentation.
struct CompanyDataProvidersController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/settings/company-data", use: list)
        group.get("/settings/company-data/new", use: newForm)
        group.post("/settings/company-data", use: create)
        group.get("/settings/company-data/{id}/edit", use: editForm)
        group.post("/settings/company-data/{id}", use: update)
        group.post("/settings/company-data/{id}/delete", use: delete)
    }

    // MARK: Views

    struct ProviderRow {
        let id: String
        let label: String
        let baseURL: String?
        let keyHint: String?
        let isEnabled: Bool
    }

    /// What one service gives, in plain words, and whether the tenant has a key for it.
    struct ServiceInfo {
        let kind: String
        let label: String
        let about: String
        let hasKey: Bool
        let isAvailable: Bool
    }

    /// A service in the add form's list; one not available yet is shown but cannot be chosen.
    struct KindOption {
        let value: String
        let label: String
        let selected: Bool
        let disabled: Bool
    }

    struct ListView {
        let providers: [ProviderRow]
        let hasProviders: Bool
        let serviceInfos: [ServiceInfo]
        let addOptions: [InboxViews.Option]
        let canAdd: Bool
    }

    struct FormView {
        let isNew: Bool
        let action: String
        let form: CompanyDataProviderForm
        let kindLabel: String
        let kindAbout: String
        let kindOptions: [KindOption]
        /// The service cannot be saved yet: the form says so and its button is off.
        let isUnavailable: Bool
        let keyHint: String?
        let errors: [String: String]
        let errorSummary: [String]
        let hasErrors: Bool
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member) = try context.require(client: .manageDataProviders)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let providers = try await services.companyDataProviders.list(.tenant(member))
        let rows = providers.map { (provider: TenantCompanyDataProvider) -> ProviderRow in
            ProviderRow(id: provider.id.uuidString, label: Self.label(provider.kind, text), baseURL: provider.baseURL,
                        keyHint: provider.keyHint.isEmpty ? nil : provider.keyHint, isEnabled: provider.isEnabled)
        }
        let taken = Set(providers.map(\.kind))
        let infos = CompanyDataProviderKind.allCases.map { (kind: CompanyDataProviderKind) -> ServiceInfo in
            ServiceInfo(kind: kind.rawValue, label: Self.label(kind, text), about: Self.about(kind, text), hasKey: taken.contains(kind),
                        isAvailable: kind.isAvailable)
        }
        let addOptions = CompanyDataProviderKind.allCases.filter { $0.isAvailable && !taken.contains($0) }.map { (kind: CompanyDataProviderKind) -> InboxViews.Option in
            InboxViews.Option(value: kind.rawValue, label: Self.label(kind, text), selected: false)
        }
        let view = ListView(providers: rows, hasProviders: !rows.isEmpty, serviceInfos: infos, addOptions: addOptions, canAdd: !addOptions.isEmpty)
        return services.renderer.page("company-data-providers", titleKey: "title_company_data", content: view, request: request, context: context)
    }

    // MARK: Adding

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(client: .manageDataProviders)
        let kind = CompanyDataProviderKind(rawValue: String(request.uri.queryParameters["kind"] ?? "")) ?? .daData
        return formPage(request, context, stored: nil, form: CompanyDataProviderForm(kind: kind), errors: FieldErrors(), status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member) = try context.require(client: .manageDataProviders)
        let form = CompanyDataProviderForm(context.form, base: CompanyDataProviderForm(), kindIsFixed: false)
        var errors = FieldErrors()
        let parsed = form.validated(into: &errors)
        Self.refuseUnavailable(parsed?.kind, into: &errors)
        let key = CompanyDataProviderForm.key(context.form, into: &errors)
        if key.isEmpty { errors.add(CompanyDataProviderForm.keyField, "validation_required") }
        guard errors.isEmpty, let settings = parsed else {
            return formPage(request, context, stored: nil, form: form, errors: errors, status: .unprocessableContent)
        }
        return try await save(request, context, identity: identity, member: member, stored: nil, form: form,
                              kind: settings.kind, baseURL: settings.baseURL, key: key)
    }

    // MARK: Changing

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, stored) = try await ownProvider(context)
        return formPage(request, context, stored: stored, form: CompanyDataProviderForm(stored), errors: FieldErrors(), status: .ok)
    }

    /// Saves new settings. An empty key keeps the stored one, except when the address changed:
    /// the stored key goes only where it went before.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, stored) = try await ownProvider(context)
        let form = CompanyDataProviderForm(context.form, base: CompanyDataProviderForm(stored), kindIsFixed: true)
        var errors = FieldErrors()
        let parsed = form.validated(into: &errors)
        Self.refuseUnavailable(parsed?.kind, into: &errors)
        let key = CompanyDataProviderForm.key(context.form, into: &errors)
        if let settings = parsed, key.isEmpty, settings.baseURL != stored.baseURL {
            errors.add(CompanyDataProviderForm.keyField, "validation_llm_key_for_new_server")
        }
        guard errors.isEmpty, let settings = parsed else {
            return formPage(request, context, stored: stored, form: form, errors: errors, status: .unprocessableContent)
        }
        return try await save(request, context, identity: identity, member: member, stored: stored, form: form,
                              kind: settings.kind, baseURL: settings.baseURL, key: key)
    }

    /// Forgets the provider and its key; enrichment falls back to the platform's key, if any.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, stored) = try await ownProvider(context)
        try await services.companyDataProviders.delete(member, id: stored.id)
        await services.audit.record(kind: "company_data.provider_deleted", identity: identity, context: context, details: [
            "provider_id": stored.id.uuidString, "provider": stored.kind.rawValue,
        ])
        try await services.flash(context, .success, "flash_company_data_provider_deleted")
        return .seeOther("/settings/company-data")
    }

    // MARK: Helpers

    private func save(_ request: Request, _ context: AppRequestContext, identity: Identity, member: TenantMember, stored: TenantCompanyDataProvider?,
                      form: CompanyDataProviderForm, kind: CompanyDataProviderKind, baseURL: String?, key: String) async throws -> Response {
        let saved: TenantCompanyDataProvider
        do {
            saved = try await services.companyDataProviders.save(member, id: stored?.id, kind: kind, baseURL: baseURL, isEnabled: form.isEnabled,
                                                                 apiKey: key.isEmpty ? nil : key)
        } catch StorageError.alreadyExists {
            return formPage(request, context, stored: stored, form: form, errors: FieldErrors(["kind": "validation_company_data_provider_exists"]),
                            status: .unprocessableContent)
        } catch let refused as FieldErrors {
            return formPage(request, context, stored: stored, form: form, errors: refused, status: .unprocessableContent)
        }
        // What was saved, never the key (not even its last characters).
        await services.audit.record(kind: "company_data.provider_saved", identity: identity, context: context, details: [
            "provider_id": saved.id.uuidString, "provider": saved.kind.rawValue, "base_url": saved.baseURL ?? "default",
            "enabled": saved.isEnabled ? "yes" : "no", "created": stored == nil ? "yes" : "no", "key_replaced": key.isEmpty ? "no" : "yes",
        ])
        try await services.flash(context, .success, "flash_company_data_provider_saved")
        return .seeOther("/settings/company-data")
    }

    /// The provider named in the path, in the visitor's company (404 otherwise, before the role
    /// check, so another tenant's id reveals nothing), and the right to manage it.
    private func ownProvider(_ context: AppRequestContext) async throws -> (Identity, TenantMember, TenantCompanyDataProvider) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let stored = try await services.companyDataProviders.find(id, scope: .tenant(member))
        let (identity, _) = try context.require(client: .manageDataProviders)
        return (identity, member, stored)
    }

    /// A key for a service that is not available yet is refused, new or stored: it would only
    /// look like a working source.
    static func refuseUnavailable(_ kind: CompanyDataProviderKind?, into errors: inout FieldErrors) {
        if let kind, !kind.isAvailable { errors.add("kind", "validation_company_data_provider_unavailable") }
    }

    static func label(_ kind: CompanyDataProviderKind, _ text: (String) -> String) -> String {
        text("company_source_\(kind.rawValue)")
    }

    static func about(_ kind: CompanyDataProviderKind, _ text: (String) -> String) -> String {
        text("company_data_about_\(kind.rawValue)")
    }

    private func formPage(_ request: Request, _ context: AppRequestContext, stored: TenantCompanyDataProvider?, form: CompanyDataProviderForm,
                          errors: FieldErrors, status: HTTPResponse.Status) -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let messages = services.renderer.localizer.messages(errors, locale)
        let kind = CompanyDataProviderKind(rawValue: form.kind)
        let options = CompanyDataProviderKind.allCases.map { (option: CompanyDataProviderKind) -> KindOption in
            KindOption(value: option.rawValue,
                       label: option.isAvailable ? Self.label(option, text) : "\(Self.label(option, text)) (\(text("company_data_not_available")))",
                       selected: option.rawValue == form.kind, disabled: !option.isAvailable)
        }
        let view = FormView(
            isNew: stored == nil, action: stored.map { "/settings/company-data/\($0.id.uuidString)" } ?? "/settings/company-data",
            form: form, kindLabel: kind.map { Self.label($0, text) } ?? form.kind, kindAbout: kind.map { Self.about($0, text) } ?? "",
            kindOptions: options, isUnavailable: !(kind?.isAvailable ?? true), keyHint: stored.flatMap { $0.keyHint.isEmpty ? nil : $0.keyHint },
            errors: messages, errorSummary: Array(Set(messages.values)).sorted(), hasErrors: !messages.isEmpty)
        return services.renderer.page("company-data-provider-form", titleKey: stored == nil ? "title_company_data_new" : "title_company_data_edit",
                                      content: view, request: request, context: context, status: status)
    }
}
