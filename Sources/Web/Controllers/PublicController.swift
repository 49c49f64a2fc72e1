import Domain
import Foundation
import Hummingbird

/// Pages anyone may see, and the language switcher.
struct PublicController {
    let services: WebServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: landing)
        router.get("/privacy", use: privacy)
        router.get("/contact", use: contact)
        router.post("/locale", use: switchLocale)
    }

    @Sendable func landing(_ request: Request, context: AppRequestContext) async throws -> Response {
        services.renderer.page("landing", titleKey: "title_landing", request: request, context: context)
    }

    @Sendable func privacy(_ request: Request, context: AppRequestContext) async throws -> Response {
        services.renderer.page("privacy", titleKey: "title_privacy", request: request, context: context)
    }

    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        services.renderer.page("contact", titleKey: "title_contact", request: request, context: context)
    }

    /// Stores the choice on the user when signed in, in a cookie otherwise, and goes back to the
    /// page the switcher was on (a local path only: never an open redirect).
    @Sendable func switchLocale(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locale = AppLocale(rawValue: context.form["locale"]) else { throw HTTPError(.badRequest) }
        let target = context.form["return_to"]
        let safeTarget = target.hasPrefix("/") && !target.hasPrefix("//") && !target.contains("\\") ? target : "/"
        var response = Response.seeOther(safeTarget)
        if let identity = context.visitor.identity {
            try await services.users.setLocale(identity.user.id, locale: locale)
            await services.audit.record(kind: "account.locale_changed", identity: identity, context: context, details: ["locale": locale.rawValue])
        }
        response.setCookie(services.cookie(Cookies.locale, locale.rawValue, maxAge: 365 * 24 * 3600, context))
        return response
    }
}
