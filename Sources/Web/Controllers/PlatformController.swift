import Domain
import Foundation
import Hummingbird
import Storage

/// The SUPER_ADMIN console: every tenant with its people and activity, read-only. To anyone else
/// these pages do not exist (404), so their existence is not advertised. A tenant's clients are
/// in ``PlatformClientsController``.
struct PlatformController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/admin/tenants", use: tenants)
        group.get("/admin/tenants/{id}", use: tenant)
    }

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

    struct TenantView {
        let tenant: TenantDetail
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
        let locale = context.visitor.locale
        let company = try await services.companies.find(id, scope: scope)
        let members = try await services.users.list(scope, companyID: id).map { user in
            MemberRow(fullName: user.fullName, email: user.email.value,
                      roleLabel: services.renderer.localizer.text("roles_\(user.role?.rawValue ?? "viewer")", locale),
                      isActive: user.isActive, lastLoginAt: user.lastLoginAt.map { DisplayFormat.dateTime($0, locale) })
        }
        let events = try await services.auditTrail.list(scope, filter: AuditFilter(companyID: id), page: 1, pageSize: 20).events.map {
            EventRow(time: DisplayFormat.dateTimeSeconds($0.time), actor: $0.actor ?? "—", kind: $0.kind, path: $0.path ?? "", status: $0.status.map(String.init) ?? "")
        }
        let view = TenantView(
            tenant: TenantDetail(id: company.id.uuidString, name: company.name, description: company.description, createdAt: DisplayFormat.dateTime(company.createdAt, locale), defaultLocale: company.defaultLocale.rawValue),
            users: members, recentEvents: events)
        return services.renderer.page("admin-tenant", titleKey: "title_admin_tenant", content: view, request: request, context: context)
    }
}
