import Domain
import Foundation
import Hummingbird
import Storage

/// Works out who the visitor is: a session cookie, or a "remember me" cookie that opens a new
/// session; their language; and the CSRF token their forms must carry.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: SessionStore
    let lookup: SignedInCache
    let rememberTokens: RememberTokenStore
    let users: UserRepository
    let companies: CompanyRepository
    let csrf: CSRFTokens
    let audit: any AuditRecording

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var cookiesToSet: [Cookie] = []
        let secure = context.visitor.isSecure

        // Whatever this request changes, cached sessions must not outlive it; see SignedInCache.
        let mayWrite = !Self.safeMethods.contains(request.method)
        defer { if mayWrite { lookup.invalidateAll() } }

        // Parsed once: Hummingbird parses the header again at every `request.cookies`.
        let cookies = request.cookies
        if let cookie = cookies[Cookies.session]?.value, let found = try await lookup.resolve(cookie: cookie) {
            context.visitor.sessionCookie = cookie
            context.visitor.session = found.session
            if found.session.userID != nil {
                if let user = found.user, user.isActive, let scope = user.scope {
                    context.visitor.identity = Identity(user: user, company: found.company, scope: scope)
                } else {
                    // The user was deactivated or deleted since: the session is worthless.
                    try await sessions.close(cookie: cookie)
                    lookup.invalidateAll()
                    context.visitor.sessionCookie = nil
                    context.visitor.session = nil
                    cookiesToSet.append(Cookies.expired(Cookies.session, secure: secure))
                }
            }
            if let flash = found.session.flash {
                context.visitor.flash = try? JSONDecoder().decode(Flash.self, from: Data(flash.utf8))
                try await sessions.setFlash(cookie: cookie, nil)
            }
        }

        if context.visitor.identity == nil, context.visitor.session?.pendingUserID == nil,
           let remembered = cookies[Cookies.remember]?.value {
            switch try await rememberTokens.redeem(remembered) {
            case .valid(let userID, let rotated):
                if let identity = try await identity(for: userID) {
                    let opened = try await sessions.open(userID: userID)
                    lookup.invalidateAll()
                    context.visitor.sessionCookie = opened.cookie
                    context.visitor.session = opened.session
                    context.visitor.identity = identity
                    cookiesToSet.append(Cookies.make(Cookies.session, opened.cookie, maxAge: nil, secure: secure))
                    cookiesToSet.append(Cookies.make(Cookies.remember, rotated, maxAge: Int(rememberTokens.lifetime), secure: secure))
                    await audit.record(kind: "auth.remembered", identity: identity, context: context, details: [:])
                } else {
                    try await rememberTokens.revoke(rotated)
                    cookiesToSet.append(Cookies.expired(Cookies.remember, secure: secure))
                }
            case .reused(let userID):
                await audit.record(kind: "auth.remember_token_reused", identity: nil, context: context, details: ["user_id": userID.uuidString])
                cookiesToSet.append(Cookies.expired(Cookies.remember, secure: secure))
            case .invalid:
                cookiesToSet.append(Cookies.expired(Cookies.remember, secure: secure))
            }
        }

        // CSRF binding: the session id when there is one, else an anonymous cookie (made on demand).
        let anonymous = cookies[Cookies.anonymous].map(\.value).flatMap { $0.count >= 32 ? $0 : nil }
        context.visitor.csrf = CSRFBinding(tokens: csrf, binding: context.visitor.sessionCookie ?? anonymous)
        context.visitor.locale = context.visitor.identity?.user.locale
            ?? cookies[Cookies.locale].flatMap { AppLocale(rawValue: $0.value) }
            ?? AppLocale.preferred(fromAcceptLanguage: request.headers[.acceptLanguage])

        var response = try await next(request, context)
        if let anonymousCookie = context.visitor.csrf.newAnonymousCookie {
            cookiesToSet.append(Cookies.make(Cookies.anonymous, anonymousCookie, maxAge: nil, secure: secure))
        }
        guard !cookiesToSet.isEmpty else { return response }
        // A handler that set a cookie of the same name (sign-in, sign-out) has the last word.
        let setByHandler = Set(response.headers[values: .setCookie].compactMap { $0.split(separator: "=").first.map(String.init) })
        for cookie in cookiesToSet where !setByHandler.contains(cookie.name) {
            response.setCookie(cookie)
        }
        return response
    }

    /// Methods that change nothing (RFC 9110 safe methods); everything else invalidates the cache.
    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    private func identity(for userID: UUID) async throws -> Identity? {
        guard let user = try await users.findForSession(userID), user.isActive, let scope = user.scope else { return nil }
        let company: Company? = if let companyID = user.companyID { try await companies.find(companyID, scope: scope) } else { nil }
        return Identity(user: user, company: company, scope: scope)
    }
}
