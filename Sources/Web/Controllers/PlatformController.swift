import Domain
import Foundation
import Hummingbird
import Observability
import Storage

/// The SUPER_ADMIN console: every tenant with its people and activity, read-only except one
/// lever, the tenant's monthly enrichment quota (audited; `smartysales admin set-quota` does the
/// same from a shell). To anyone else these pages do not exist (404), so their existence is not
/// advertised. A tenant's clients are in ``PlatformClientsController``.
struct PlatformController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/admin/tenants", use: tenants)
        group.get("/admin/tenants/{id}", use: tenant)
        group.post("/admin/tenants/{id}/quota", use: setQuota)
    }

    /// The quota form's field.
    static let limitField = "monthly_limit"
    /// The audit event of a changed quota, on the tenant's trail.
    static let quotaAuditKind = "platform.quota_changed"

    struct TenantRow {
        let id: String
        let name: String
        let userCount: Int
        let createdAt: String
        let lastActivityAt: String
        let url: String
    }

    struct TenantsView {
        let tenants: [TenantRow]
    }

    struct TenantDetail {
        let id: String
        let name: String
        let description: String
        let createdAt: String
        let defaultLocale: String
    }

    struct MemberRow {
        let fullName: String
        let email: String
        let roleLabel: String
        let isActive: Bool
        let lastLoginAt: String?
    }

    struct EventRow {
        let time: String
        let actor: String
        let kind: String
        let path: String
        let status: String
    }

    /// This month's enrichment allowance and the form that changes it.
    struct QuotaView {
        let action: String
        let used: String
        /// As typed after a mistake, else the current limit.
        let limit: String
        let error: String?
    }

    struct TenantView {
        let tenant: TenantDetail
        let quota: QuotaView
        let users: [MemberRow]
        let recentEvents: [EventRow]
    }

    private func platformScope(_ context: AppRequestContext) throws -> TenantScope {
        let identity = try context.identity()
        guard AccessPolicy.allows(identity.scope, .viewPlatform) else { throw HTTPError(.notFound) }
        return identity.scope
    }

    @Sendable func tenants(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try platformScope(context)
        let locale = context.visitor.locale
        let rows = try await services.companies.listAllForPlatform(scope).map { summary in
            TenantRow(id: summary.company.id.uuidString, name: summary.company.name, userCount: summary.userCount,
                      createdAt: DisplayFormat.dateTime(summary.company.createdAt, locale),
                      lastActivityAt: summary.lastActivityAt.map { DisplayFormat.dateTime($0, locale) } ?? "—",
                      url: "/admin/tenants/\(summary.company.id.uuidString)")
        }
        return services.renderer.page("admin-tenants", titleKey: "title_admin_tenants", content: TenantsView(tenants: rows), request: request, context: context)
    }

    @Sendable func tenant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try platformScope(context)
        let id = try context.uuidParameter()
        let company = try await services.companies.find(id, scope: scope)
        return try await tenantPage(request, context, scope: scope, company: company, typedLimit: nil, errors: FieldErrors(), status: .ok)
    }

    /// Sets the tenant's monthly enrichment allowance, at once and for this month too, and puts
    /// the change (from, to, who) on the tenant's audit trail.
    @Sendable func setQuota(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try platformScope(context)
        let id = try context.uuidParameter()
        let company = try await services.companies.find(id, scope: scope)
        let typed = context.form[Self.limitField]
        guard let limit = EnrichmentQuota.monthlyLimit(typed) else {
            return try await tenantPage(request, context, scope: scope, company: company, typedLimit: typed,
                                        errors: FieldErrors([Self.limitField: "validation_quota_limit"]), status: .unprocessableContent)
        }
        let before = try await services.enrichmentQuota.quota(companyID: company.id)
        try await services.enrichmentQuota.setMonthlyLimit(companyID: company.id, limit: limit)
        let identity = try context.identity()
        await services.auditSink.record(AuditEvent(
            kind: Self.quotaAuditKind, companyID: company.id, userID: identity.user.id, actor: identity.user.email.value, ip: context.visitor.clientIP,
            details: ["from": String(before.limit), "to": String(limit), "via": "console"]))
        try await services.flash(context, .success, "flash_quota_saved")
        return .seeOther("/admin/tenants/\(company.id.uuidString)")
    }

    private func tenantPage(_ request: Request, _ context: AppRequestContext, scope: TenantScope, company: Company, typedLimit: String?,
                            errors: FieldErrors, status: HTTPResponse.Status) async throws -> Response {
        let id = company.id
        let locale = context.visitor.locale
        let members = try await services.users.list(scope, companyID: id).map { user in
            MemberRow(fullName: user.fullName, email: user.email.value,
                      roleLabel: services.renderer.localizer.text("roles_\(user.role?.rawValue ?? "viewer")", locale),
                      isActive: user.isActive, lastLoginAt: user.lastLoginAt.map { DisplayFormat.dateTime($0, locale) })
        }
        let events = try await services.auditTrail.list(scope, filter: AuditFilter(companyID: id), page: 1, pageSize: 20).events.map {
            EventRow(time: DisplayFormat.dateTimeSeconds($0.time), actor: $0.actor ?? "—", kind: $0.kind, path: $0.path ?? "", status: $0.status.map(String.init) ?? "")
        }
        let quota = try await services.enrichmentQuota.quota(companyID: id)
        let messages = services.renderer.localizer.messages(errors, locale)
        let view = TenantView(
            tenant: TenantDetail(id: company.id.uuidString, name: company.name, description: company.description, createdAt: DisplayFormat.dateTime(company.createdAt, locale), defaultLocale: company.defaultLocale.rawValue),
            quota: QuotaView(action: "/admin/tenants/\(id.uuidString)/quota", used: String(quota.used), limit: typedLimit ?? String(quota.limit),
                             error: messages[Self.limitField]),
            users: members, recentEvents: events)
        return services.renderer.page("admin-tenant", titleKey: "title_admin_tenant", content: view, request: request, context: context, status: status)
    }
}
