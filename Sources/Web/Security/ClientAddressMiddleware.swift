import Foundation
import HTTPTypes
import Hummingbird

/// Decides who the client is and whether the connection is HTTPS. `X-Forwarded-*` headers are
/// believed only from a configured proxy: anyone else could send them to look like another IP
/// (escaping login throttling) or to get cookies marked secure over plain HTTP.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let trustedProxies: Set<String>
    let servesTLS: Bool
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.remoteAddress ?? "unknown"
        context.visitor.maxBodyBytes = maxBodyBytes
        context.visitor.clientIP = peer
        context.visitor.isSecure = servesTLS
        if trustedProxies.contains(peer) {
            if let forwardedFor = request.headers[HTTPField.Name("X-Forwarded-For")!],
               let client = forwardedFor.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !client.isEmpty {
                context.visitor.clientIP = client
            }
            if let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!] {
                context.visitor.isSecure = proto.lowercased() == "https"
            }
        }
        return try await next(request, context)
    }
}
