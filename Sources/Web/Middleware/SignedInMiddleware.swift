import Hummingbird

/// Guards the workspace: signed-out visitors go to the sign-in page; a user holding a one-time
/// password set by an admin may only change it (or sign out) until they do.
struct SignedInMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let allowedWhilePasswordMustChange: Set<String> = ["/account", "/account/password", "/logout", "/locale"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.visitor.identity else {
            if request.method == .get {
                return .seeOther("/login")
            }
            throw HTTPError(.unauthorized)
        }
        if identity.user.mustChangePassword, !Self.allowedWhilePasswordMustChange.contains(request.uri.path) {
            return .seeOther("/account")
        }
        return try await next(request, context)
    }
}
