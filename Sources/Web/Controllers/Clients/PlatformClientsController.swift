import Domain
import Foundation
import Hummingbird
import Storage

/// The SUPER_ADMIN console's read-only view of one tenant's clients: the list and the card with
/// the company data, never the notes (the card says they are private to the tenant; their
/// repository takes a tenant member, so this controller could not read them if it tried). To
/// anyone else these pages do not exist (404), like the rest of the console.
struct PlatformClientsController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/admin/tenants/{id}/clients", use: list)
        group.get("/admin/tenants/{id}/clients/{clientID}", use: card)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try platformScope(context)
        let tenant = try await services.companies.find(try context.uuidParameter(), scope: scope)
        let place = ClientListing.Place(basePath: "/admin/tenants/\(tenant.id.uuidString)/clients", canWork: false, isConsole: true)
        let (view, hasErrors) = try await ClientListing(services: services).view(request, context, scope: scope, companyID: tenant.id, place: place, tenant: tenant)
        return services.renderer.page("clients", titleKey: "title_clients", content: view, request: request, context: context,
                                      status: hasErrors ? .unprocessableContent : .ok)
    }

    @Sendable func card(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try platformScope(context)
        let tenant = try await services.companies.find(try context.uuidParameter(), scope: scope)
        let client = try await services.clients.find(try context.uuidParameter("clientID"), scope: scope)
        // The client must be this tenant's: a path mixing two tenants names nothing.
        guard client.companyID == tenant.id else { throw HTTPError(.notFound) }
        return ClientCard(services: services).consolePage(request, context, client: client, tenant: tenant)
    }

    private func platformScope(_ context: AppRequestContext) throws -> TenantScope {
        let identity = try context.identity()
        guard AccessPolicy.allows(identity.scope, .viewPlatform) else { throw HTTPError(.notFound) }
        return identity.scope
    }
}
