import Domain
import Foundation
import Hummingbird
import Storage

/// Sign-up, sign-in (with "remember me" and the second factor) and sign-out.
struct AuthController {
    let services: WebServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/signup", use: signUpForm)
        router.post("/signup", use: signUp)
        router.get("/login", use: loginForm)
        router.post("/login", use: login)
        router.get("/login/2fa", use: secondFactorForm)
        router.post("/login/2fa", use: secondFactor)
        router.post("/logout", use: logout)
    }

    // MARK: Sign-up

    struct SignUpView {
        var form: SignUpForm
        var errors: [String: String]
    }

    struct SignUpForm {
        var fullName = ""
        var email = ""
        var companyName = ""
        var companyDescription = ""
        var localeRu = true
        var localeEn = false
    }

    @Sendable func signUpForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.visitor.identity != nil { return .seeOther("/dashboard") }
        let locale = context.visitor.locale
        let form = SignUpForm(localeRu: locale == .ru, localeEn: locale == .en)
        return services.renderer.page("signup", titleKey: "title_signup", content: SignUpView(form: form, errors: [:]), request: request, context: context)
    }

    @Sendable func signUp(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = context.form
        var errors = FieldErrors()
        let fullName = FormRules.requireText(input["full_name"], field: "full_name", maxLength: FormRules.maximumNameLength, into: &errors)
        let email = FormRules.email(input["email"], field: "email", into: &errors)
        FormRules.newPassword(input["password"], confirmation: input["password_confirm"], field: "password", confirmationField: "password_confirm", into: &errors)
        let companyName = FormRules.requireText(input["company_name"], field: "company_name", maxLength: FormRules.maximumNameLength, into: &errors)
        let description = FormRules.optionalText(input["company_description"], field: "company_description", maxLength: FormRules.maximumDescriptionLength, into: &errors)
        let locale = FormRules.locale(input["locale"], field: "locale", into: &errors)

        func refill(_ errors: FieldErrors) -> Response {
            let form = SignUpForm(fullName: input["full_name"], email: input["email"], companyName: input["company_name"],
                                  companyDescription: input["company_description"], localeRu: locale == .ru, localeEn: locale == .en)
            let view = SignUpView(form: form, errors: services.renderer.localizer.messages(errors, context.visitor.locale))
            return services.renderer.page("signup", titleKey: "title_signup", content: view, request: request, context: context, status: .unprocessableContent)
        }

        guard errors.isEmpty, let email else { return refill(errors) }
        let hash = try await services.hasher.hash(input["password"])
        let user: User
        do {
            (_, user) = try await services.users.signUp(
                NewCompanyOwner(fullName: fullName, email: email, companyName: companyName, companyDescription: description, locale: locale),
                passwordHash: hash)
        } catch StorageError.emailTaken {
            return refill(FieldErrors(["email": "validation_email_taken"]))
        }
        return try await startSession(for: user, remember: false, request: request, context: context, flashKey: "flash_signed_up", auditKind: "account.signed_up")
    }

    // MARK: Sign-in

    struct LoginView {
        var form: LoginForm
        var errors: [String: String]
    }

    struct LoginForm {
        var email = ""
        var rememberMe = false
    }

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.visitor.identity != nil { return .seeOther("/dashboard") }
        return services.renderer.page("login", titleKey: "title_login", content: LoginView(form: LoginForm(), errors: [:]), request: request, context: context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = context.form
        let typedEmail = input["email"].trimmingCharacters(in: .whitespaces).lowercased()
        let remember = input["remember_me"] == "1" || input["remember_me"] == "on"
        func failure(_ key: String, status: HTTPResponse.Status = .unauthorized) -> Response {
            let view = LoginView(form: LoginForm(email: input["email"], rememberMe: remember),
                                 errors: ["form": services.renderer.text(key, context)])
            return services.renderer.page("login", titleKey: "title_login", content: view, request: request, context: context, status: status)
        }

        let ip = context.visitor.clientIP
        let failures = try await services.loginAttempts.recentFailures(email: typedEmail, ip: ip, window: services.throttle.window)
        if services.throttle.isThrottled(accountFailures: failures.account, addressFailures: failures.address) {
            await services.audit.record(kind: "auth.login_throttled", identity: nil, context: context, details: ["email": typedEmail])
            return failure("login_throttled", status: .tooManyRequests)
        }

        let stored = try await EmailAddress(typedEmail).asyncFlatMap { try await services.users.credentialsForSignIn(email: $0) }
        // Always run one BCrypt verification so timing does not tell registered addresses apart.
        let hashToCheck: String
        if let stored { hashToCheck = stored.passwordHash } else { hashToCheck = try await services.hasher.decoyHash() }
        let passwordMatches = try await services.hasher.verify(input["password"], hash: hashToCheck)
        guard let stored, passwordMatches else {
            try await services.loginAttempts.record(email: typedEmail, ip: ip, succeeded: false)
            await services.audit.record(kind: "auth.login_failed", identity: nil, context: context, details: ["email": typedEmail])
            return failure("login_invalid")
        }
        guard stored.user.isActive else {
            try await services.loginAttempts.record(email: typedEmail, ip: ip, succeeded: false)
            return failure("login_inactive", status: .forbidden)
        }
        try await services.loginAttempts.clearFailures(email: typedEmail)

        if stored.user.totpEnabled {
            // Password proven; the session remembers who is half-way in, and grants nothing yet.
            let rotated = try await rotateSession(context: context, userID: nil, pendingUserID: stored.user.id, pendingRemember: remember)
            var response = Response.seeOther("/login/2fa")
            response.setCookie(services.cookie(Cookies.session, rotated, maxAge: nil, context))
            return response
        }
        return try await startSession(for: stored.user, remember: remember, request: request, context: context, flashKey: nil, auditKind: "auth.login")
    }

    // MARK: Second factor

    struct SecondFactorView {
        var errors: [String: String]
    }

    @Sendable func secondFactorForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.visitor.session?.pendingUserID != nil else { return .seeOther("/login") }
        return services.renderer.page("login-2fa", titleKey: "title_login_2fa", content: SecondFactorView(errors: [:]), request: request, context: context)
    }

    @Sendable func secondFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.visitor.session, let pendingUserID = session.pendingUserID,
              let stored = try await services.users.credentials(userID: pendingUserID), stored.user.isActive else {
            return .seeOther("/login")
        }
        let code = context.form["code"]
        let ip = context.visitor.clientIP
        let email = stored.user.email.value
        let failures = try await services.loginAttempts.recentFailures(email: email, ip: ip, window: services.throttle.window)
        func failure(_ key: String, status: HTTPResponse.Status) -> Response {
            services.renderer.page("login-2fa", titleKey: "title_login_2fa", content: SecondFactorView(errors: ["code": services.renderer.text(key, context)]),
                                   request: request, context: context, status: status)
        }
        if services.throttle.isThrottled(accountFailures: failures.account, addressFailures: failures.address) {
            return failure("login_throttled", status: .tooManyRequests)
        }
        var accepted = false
        if let sealed = stored.sealedTOTPSecret, let secret = try? services.secretBox.open(sealed) {
            accepted = services.totp.verify(code: code, secret: secret)
        }
        if !accepted {
            accepted = try await services.recoveryCodes.consume(userID: stored.user.id, code: code)
        }
        guard accepted else {
            try await services.loginAttempts.record(email: email, ip: ip, succeeded: false)
            await services.audit.record(kind: "auth.second_factor_failed", identity: nil, context: context, details: ["email": email])
            return failure("login_2fa_invalid", status: .unauthorized)
        }
        try await services.loginAttempts.clearFailures(email: email)
        return try await startSession(for: stored.user, remember: session.pendingRemember, request: request, context: context, flashKey: nil, auditKind: "auth.login")
    }

    // MARK: Sign-out

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let cookie = context.visitor.sessionCookie { try await services.sessions.close(cookie: cookie) }
        if let remembered = request.cookies[Cookies.remember]?.value { try await services.rememberTokens.revoke(remembered) }
        if let identity = context.visitor.identity {
            await services.audit.record(kind: "auth.logout", identity: identity, context: context, details: [:])
        }
        var response = Response.seeOther("/")
        response.setCookie(Cookies.expired(Cookies.session, secure: context.visitor.isSecure))
        response.setCookie(Cookies.expired(Cookies.remember, secure: context.visitor.isSecure))
        return response
    }

    // MARK: Helpers

    /// Signs `user` in on a fresh session id (fixation defence) and, when asked, issues a
    /// "remember me" token.
    private func startSession(for user: User, remember: Bool, request: Request, context: AppRequestContext, flashKey: String?, auditKind: String) async throws -> Response {
        let cookie = try await rotateSession(context: context, userID: user.id, pendingUserID: nil, pendingRemember: false)
        try await services.users.recordSignIn(user.id)
        try await services.loginAttempts.record(email: user.email.value, ip: context.visitor.clientIP, succeeded: true)
        let identity = Identity(user: user, company: nil, scope: user.scope ?? .platform(userID: user.id))
        context.trail.signedIn = identity
        await services.audit.record(kind: auditKind, identity: identity, context: context, details: ["remember_me": remember ? "yes" : "no"])
        var response = Response.seeOther(user.isSuperAdmin ? "/admin/tenants" : (user.mustChangePassword ? "/account" : "/dashboard"))
        response.setCookie(services.cookie(Cookies.session, cookie, maxAge: nil, context))
        if remember {
            let token = try await services.rememberTokens.issue(userID: user.id)
            response.setCookie(services.cookie(Cookies.remember, token, maxAge: Int(services.rememberTokens.lifetime), context))
        }
        if let flashKey {
            let data = try JSONEncoder().encode(Flash(kind: .success, messageKey: flashKey))
            try await services.sessions.setFlash(cookie: cookie, String(decoding: data, as: UTF8.self))
        }
        return response
    }

    private func rotateSession(context: AppRequestContext, userID: UUID?, pendingUserID: UUID?, pendingRemember: Bool) async throws -> String {
        if let old = context.visitor.sessionCookie {
            return try await services.sessions.rotate(cookie: old, userID: userID, pendingUserID: pendingUserID, pendingRemember: pendingRemember).cookie
        }
        return try await services.sessions.open(userID: userID, pendingUserID: pendingUserID, pendingRemember: pendingRemember).cookie
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
