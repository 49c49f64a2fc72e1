import Domain
import Foundation
import Hummingbird
import Storage

/// The signed-in user's own account: password and second factor.
struct AccountController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/account", use: account)
        group.post("/account/password", use: changePassword)
        group.get("/account/2fa", use: secondFactorPage)
        group.post("/account/2fa/enable", use: enableSecondFactor)
        group.post("/account/2fa/disable", use: disableSecondFactor)
    }

    struct AccountView {
        var mustChange: Bool
        var totpEnabled: Bool
        var errors: [String: String]
    }

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.identity().user
        let view = AccountView(mustChange: user.mustChangePassword, totpEnabled: user.totpEnabled, errors: [:])
        return services.renderer.page("account", titleKey: "title_account", content: view, request: request, context: context)
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.identity()
        let input = context.form
        var errors = FieldErrors()
        FormRules.newPassword(input["new_password"], confirmation: input["new_password_confirm"], field: "new_password", confirmationField: "new_password_confirm", into: &errors)
        guard let stored = try await services.users.credentials(userID: identity.user.id) else { throw HTTPError(.notFound) }
        if !(try await services.hasher.verify(input["current_password"], hash: stored.passwordHash)) {
            errors.add("current_password", "login_invalid")
        }
        if errors.isEmpty, input["new_password"] == input["current_password"] {
            errors.add("new_password", "validation_password_reused")
        }
        guard errors.isEmpty else {
            let view = AccountView(mustChange: identity.user.mustChangePassword, totpEnabled: identity.user.totpEnabled,
                                   errors: services.renderer.localizer.messages(errors, context.visitor.locale))
            return services.renderer.page("account", titleKey: "title_account", content: view, request: request, context: context, status: .unprocessableContent)
        }
        try await services.users.changeOwnPassword(identity.user.id, passwordHash: try await services.hasher.hash(input["new_password"]))
        // A new password ends every other session and every "remember me" token.
        try await services.sessions.closeAll(userID: identity.user.id, except: context.visitor.sessionCookie)
        try await services.rememberTokens.revokeAll(userID: identity.user.id)
        await services.audit.record(kind: "account.password_changed", identity: identity, context: context, details: [:])
        try await services.flash(context, .success, "flash_password_changed")
        var response = Response.seeOther("/dashboard")
        response.setCookie(Cookies.expired(Cookies.remember, secure: context.visitor.isSecure))
        return response
    }

    // MARK: Second factor

    struct SecondFactorView {
        var totpEnabled: Bool
        var secret: String?
        var otpauthURI: String?
        var recoveryCodes: [String]?
        var errors: [String: String]
    }

    @Sendable func secondFactorPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.identity().user
        if user.totpEnabled {
            return services.renderer.page("account-2fa", titleKey: "title_account_2fa", content: SecondFactorView(totpEnabled: true, errors: [:]), request: request, context: context)
        }
        return try await setupPage(user: user, errors: [:], request: request, context: context, status: .ok)
    }

    /// The pending secret lives sealed on the user row, not in the form: the browser never has to
    /// send it back, and reloading the page keeps the secret already scanned.
    private func setupPage(user: User, errors: [String: String], request: Request, context: AppRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let stored = try await services.users.credentials(userID: user.id)
        var secret = stored?.sealedTOTPSecret.flatMap { try? services.secretBox.open($0) }
        if secret == nil {
            let fresh = services.totp.makeSecret()
            try await services.users.storeTOTP(user.id, sealedSecret: try services.secretBox.seal(fresh), enabled: false)
            secret = fresh
        }
        let account = user.email.value
        let view = SecondFactorView(totpEnabled: false, secret: services.totp.base32Secret(secret: secret!, account: account),
                                    otpauthURI: services.totp.authenticatorURL(secret: secret!, account: account), errors: errors)
        return services.renderer.page("account-2fa", titleKey: "title_account_2fa", content: view, request: request, context: context, status: status)
    }

    @Sendable func enableSecondFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.identity()
        guard !identity.user.totpEnabled else { return .seeOther("/account/2fa") }
        let stored = try await services.users.credentials(userID: identity.user.id)
        guard let sealed = stored?.sealedTOTPSecret, let secret = try? services.secretBox.open(sealed),
              services.totp.verify(code: context.form["code"], secret: secret) else {
            return try await setupPage(user: identity.user, errors: ["code": services.renderer.text("login_2fa_invalid", context)],
                                       request: request, context: context, status: .unprocessableContent)
        }
        try await services.users.storeTOTP(identity.user.id, sealedSecret: sealed, enabled: true)
        let codes = try await services.recoveryCodes.regenerate(userID: identity.user.id)
        await services.audit.record(kind: "account.2fa_enabled", identity: identity, context: context, details: [:])
        let view = SecondFactorView(totpEnabled: false, recoveryCodes: codes, errors: [:])
        return services.renderer.page("account-2fa", titleKey: "title_account_2fa", content: view, request: request, context: context)
    }

    @Sendable func disableSecondFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.identity()
        guard let stored = try await services.users.credentials(userID: identity.user.id),
              try await services.hasher.verify(context.form["password"], hash: stored.passwordHash) else {
            let view = SecondFactorView(totpEnabled: true, errors: ["password": services.renderer.text("login_invalid", context)])
            return services.renderer.page("account-2fa", titleKey: "title_account_2fa", content: view, request: request, context: context, status: .unprocessableContent)
        }
        try await services.users.storeTOTP(identity.user.id, sealedSecret: nil, enabled: false)
        try await services.recoveryCodes.removeAll(userID: identity.user.id)
        await services.audit.record(kind: "account.2fa_disabled", identity: identity, context: context, details: [:])
        try await services.flash(context, .success, "flash_2fa_disabled")
        return .seeOther("/account")
    }
}
