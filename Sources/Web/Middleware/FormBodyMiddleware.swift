import Hummingbird
import NIOCore

/// Reads the body of every mutating request once, up to the configured limit (413 beyond it),
/// and parses URL-encoded forms for the CSRF check, the audit trail and the handlers.
struct FormBodyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head, request.method != .options else {
            return try await next(request, context)
        }
        var request = request
        var context = context
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.visitor.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            context.form = FormData(urlEncoded: String(buffer: buffer))
            context.trail.form = context.form.values
        }
        return try await next(request, context)
    }
}
