import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Every request that can change something must carry the visitor's CSRF token, in the form
/// field `csrf_token` or the `X-CSRF-Token` header (for fetch). No exceptions by route: a new
/// mutating route is protected the day it is added.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let formField = "csrf_token"
    static let header = HTTPField.Name("X-CSRF-Token")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head, request.method != .options else {
            return try await next(request, context)
        }
        let presented = context.form.has(Self.formField) ? context.form[Self.formField] : (request.headers[Self.header] ?? "")
        guard !presented.isEmpty, SecureToken.equal(presented, context.visitor.csrf.token) else {
            throw HTTPError(.forbidden, message: "csrf")
        }
        return try await next(request, context)
    }
}
