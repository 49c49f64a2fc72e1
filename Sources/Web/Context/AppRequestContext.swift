import Domain
import Foundation
import Hummingbird
import NIOCore
import Storage

/// Per-request state shared by the middleware chain and the handlers.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer address as the socket saw it; see ``Visitor/clientIP`` for the trusted-proxy view.
    let remoteAddress: String?
    /// Filled by ``FormBodyMiddleware`` for form posts.
    var form = FormData()
    /// Filled by ``SessionMiddleware``.
    var visitor = Visitor()
    /// Shared with ``AuditMiddleware`` so inner layers can report back; see ``RequestTrail``.
    var trail = RequestTrail()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Form bodies are small; the body limit proper is enforced by ``FormBodyMiddleware``.
    public var maxUploadSize: Int { visitor.maxBodyBytes }
}

/// Who is on the other end of the request.
struct Visitor: Sendable {
    var maxBodyBytes: Int = 1 << 20
    var clientIP: String = "unknown"
    var isSecure: Bool = false
    /// The raw session cookie value, when the browser sent a live one.
    var sessionCookie: String?
    var session: WebSession?
    var identity: Identity?
    var locale: AppLocale = .fallback
    /// The CSRF token, computed on first use; see ``CSRFBinding``.
    var csrf = CSRFBinding()
    /// A one-shot message read from the session for this page.
    var flash: Flash?
}

/// The signed-in user, with the scope every repository call takes.
struct Identity: Sendable {
    let user: User
    let company: Company?
    let scope: TenantScope
}

struct Flash: Sendable, Codable {
    enum Kind: String, Codable { case success, error }
    let kind: Kind
    /// A translation key.
    let messageKey: String
    /// Figures the message names as `{name}` ("Imported: {imported}"), already formatted. Optional
    /// so a flash stored before it existed still reads.
    var values: [String: String]? = nil

    /// The message in `table`'s language with its figures in place.
    func message(in table: [String: String]) -> String {
        var text = table[messageKey] ?? messageKey
        for (name, value) in values ?? [:] {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }
}
