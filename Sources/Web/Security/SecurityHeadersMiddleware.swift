import Hummingbird
import HTTPTypes

/// Headers that make the browser refuse whole classes of attack: no script but our own files,
/// no framing, no MIME sniffing, no referrer leaking paths to other sites, HTTPS pinned.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ].joined(separator: "; ")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response.headers, secure: context.visitor.isSecure)
        return response
    }

    static func apply(to headers: inout HTTPFields, secure: Bool) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if secure {
            headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
    }
}
