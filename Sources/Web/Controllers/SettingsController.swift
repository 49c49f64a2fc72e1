import Domain
import Foundation
import Hummingbird

/// Company settings: the name, the description used as `{{my_company_description}}` in outreach,
/// and the language new users start with.
struct SettingsController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/settings", use: show)
        group.post("/settings", use: save)
    }

    struct SettingsView {
        var form: Form
        var errors: [String: String]
        var canEdit: Bool
        /// Owners and admins see the way to the LLM providers and their usage.
        var canManageLLM: Bool
        /// …and to the company-data providers and the enrichment quota.
        var canManageCompanyData: Bool
    }

    struct Form {
        var companyName: String
        var companyDescription: String
        var localeRu: Bool
        var localeEn: Bool
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let member = try context.member()
        let company = try await services.companies.find(member.companyID, scope: .tenant(member))
        let view = SettingsView(
            form: Form(companyName: company.name, companyDescription: company.description,
                       localeRu: company.defaultLocale == .ru, localeEn: company.defaultLocale == .en),
            errors: [:], canEdit: AccessPolicy.allows(member.role, .editCompanySettings),
            canManageLLM: AccessPolicy.allows(member.role, .manageLLMProviders),
            canManageCompanyData: ClientAccess.allows(member.role, .manageDataProviders))
        return services.renderer.page("settings", titleKey: "title_settings", content: view, request: request, context: context)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.editCompanySettings)
        let member = try context.member()
        let input = context.form
        var errors = FieldErrors()
        let name = FormRules.requireText(input["company_name"], field: "company_name", maxLength: FormRules.maximumNameLength, into: &errors)
        let description = FormRules.optionalText(input["company_description"], field: "company_description", maxLength: FormRules.maximumDescriptionLength, into: &errors)
        let locale = FormRules.locale(input["default_locale"], field: "default_locale", into: &errors)
        guard errors.isEmpty else {
            let view = SettingsView(
                form: Form(companyName: input["company_name"], companyDescription: input["company_description"], localeRu: locale == .ru, localeEn: locale == .en),
                errors: services.renderer.localizer.messages(errors, context.visitor.locale), canEdit: true,
                canManageLLM: AccessPolicy.allows(member.role, .manageLLMProviders),
                canManageCompanyData: ClientAccess.allows(member.role, .manageDataProviders))
            return services.renderer.page("settings", titleKey: "title_settings", content: view, request: request, context: context, status: .unprocessableContent)
        }
        _ = try await services.companies.updateSettings(member, name: name, description: description, defaultLocale: locale)
        await services.audit.record(kind: "company.settings_saved", identity: identity, context: context, details: ["company_name": name, "default_locale": locale.rawValue])
        try await services.flash(context, .success, "flash_settings_saved")
        return .seeOther("/settings")
    }
}
