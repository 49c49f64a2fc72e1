import Domain
import Foundation
import Hummingbird
import Storage

extension Response {
    /// 303 See Other: after a POST the browser follows with a GET, so reloading never re-posts.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

extension AppRequestContext {
    /// The signed-in user; route groups behind ``SignedInMiddleware`` always have one.
    func identity() throws -> Identity {
        guard let identity = visitor.identity else { throw HTTPError(.unauthorized) }
        return identity
    }

    /// The tenant member, or 404 for the platform scope on tenant-only actions.
    func member() throws -> TenantMember {
        guard let member = try identity().scope.member else { throw HTTPError(.notFound) }
        return member
    }

    func require(_ permission: Permission) throws -> Identity {
        let identity = try identity()
        guard AccessPolicy.allows(identity.scope, permission) else { throw HTTPError(.forbidden) }
        return identity
    }

    /// A path parameter that must be a UUID; anything else is the same 404 as a missing row.
    func uuidParameter(_ name: String = "id") throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw HTTPError(.notFound) }
        return id
    }
}

extension WebServices {
    /// Leaves a one-shot message for the next page of this session; `values` fill the message's
    /// `{name}` placeholders.
    func flash(_ context: AppRequestContext, _ kind: Flash.Kind, _ key: String, values: [String: String]? = nil) async throws {
        guard let cookie = context.visitor.sessionCookie else { return }
        let data = try JSONEncoder().encode(Flash(kind: kind, messageKey: key, values: values))
        try await sessions.setFlash(cookie: cookie, String(decoding: data, as: UTF8.self))
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?, _ context: AppRequestContext) -> Cookie {
        Cookies.make(name, value, maxAge: maxAge, secure: context.visitor.isSecure)
    }
}
