import Domain
import Foundation
import Hummingbird
import Storage

/// The company's people: everyone sees the list; owners and admins add users, change roles,
/// deactivate and set one-time passwords, never above their own rank.
struct UsersController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/users", use: list)
        group.post("/users", use: add)
        group.post("/users/{id}/role", use: changeRole)
        group.post("/users/{id}/deactivate", use: deactivate)
        group.post("/users/{id}/activate", use: activate)
        group.post("/users/{id}/reset-password", use: resetPassword)
    }

    struct RoleOption {
        let value: String
        let label: String
        let selected: Bool
    }

    struct UserRow {
        let id: String
        let fullName: String
        let email: String
        let roleLabel: String
        let isActive: Bool
        let lastLoginAt: String?
        let isSelf: Bool
        let canManage: Bool
        let roleOptions: [RoleOption]
    }

    struct UsersView {
        var users: [UserRow]
        var canManage: Bool
        var roles: [RoleOption]
        var form: AddForm
        var errors: [String: String]
    }

    struct AddForm {
        var fullName = ""
        var email = ""
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context, form: AddForm(), errors: FieldErrors(), selectedRole: .manager, status: .ok)
    }

    private func page(_ request: Request, _ context: AppRequestContext, form: AddForm, errors: FieldErrors, selectedRole: Role, status: HTTPResponse.Status) async throws -> Response {
        let member = try context.member()
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let assignable = AccessPolicy.assignableRoles(by: member.role)
        let users = try await services.users.list(.tenant(member))
        let rows = users.map { user in
            let role = user.role ?? .viewer
            let manageable = user.id != member.userID && AccessPolicy.mayManage(actor: member.role, target: role)
            return UserRow(
                id: user.id.uuidString, fullName: user.fullName, email: user.email.value,
                roleLabel: text("roles_\(role.rawValue)"), isActive: user.isActive,
                lastLoginAt: user.lastLoginAt.map { DisplayFormat.dateTime($0, locale) },
                isSelf: user.id == member.userID, canManage: manageable,
                roleOptions: assignable.map { RoleOption(value: $0.rawValue, label: text("roles_\($0.rawValue)"), selected: $0 == role) })
        }
        let view = UsersView(
            users: rows, canManage: AccessPolicy.allows(member.role, .manageUsers),
            roles: assignable.map { RoleOption(value: $0.rawValue, label: text("roles_\($0.rawValue)"), selected: $0 == selectedRole) },
            form: form, errors: services.renderer.localizer.messages(errors, locale))
        return services.renderer.page("users", titleKey: "title_users", content: view, request: request, context: context, status: status)
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let member = try context.member()
        let identity = try context.require(.manageUsers)
        let input = context.form
        var errors = FieldErrors()
        let fullName = FormRules.requireText(input["full_name"], field: "full_name", maxLength: FormRules.maximumNameLength, into: &errors)
        let email = FormRules.email(input["email"], field: "email", into: &errors)
        let role = Role(rawValue: input["role"])
        if role == nil || !AccessPolicy.assignableRoles(by: member.role).contains(role!) { errors.add("role", "validation_role") }
        FormRules.newPassword(input["temporary_password"], confirmation: nil, field: "temporary_password", confirmationField: "", into: &errors)
        let form = AddForm(fullName: input["full_name"], email: input["email"])
        guard errors.isEmpty, let email, let role else {
            return try await page(request, context, form: form, errors: errors, selectedRole: role ?? .manager, status: .unprocessableContent)
        }
        let hash = try await services.hasher.hash(input["temporary_password"])
        let added: User
        do {
            added = try await services.users.add(member, fullName: fullName, email: email, role: role, passwordHash: hash, locale: identity.company?.defaultLocale ?? context.visitor.locale)
        } catch StorageError.emailTaken {
            return try await page(request, context, form: form, errors: FieldErrors(["email": "validation_email_taken"]), selectedRole: role, status: .unprocessableContent)
        }
        await services.audit.record(kind: "user.added", identity: identity, context: context, details: ["user_id": added.id.uuidString, "email": added.email.value, "role": role.rawValue])
        try await services.flash(context, .success, "flash_user_added")
        return .seeOther("/users")
    }

    @Sendable func changeRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await manage(request, context, kind: "user.role_changed", flash: "flash_role_changed") { member, target in
            guard let role = Role(rawValue: context.form["role"]), AccessPolicy.assignableRoles(by: member.role).contains(role) else {
                throw HTTPError(.badRequest)
            }
            _ = try await services.users.setRole(member, userID: target.id, role: role)
            return ["role": role.rawValue]
        }
    }

    @Sendable func deactivate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await manage(request, context, kind: "user.deactivated", flash: "flash_user_deactivated") { member, target in
            _ = try await services.users.setActive(member, userID: target.id, active: false)
            // Deactivation takes effect now, not when the user's session happens to expire.
            try await services.sessions.closeAll(userID: target.id)
            try await services.rememberTokens.revokeAll(userID: target.id)
            return [:]
        }
    }

    @Sendable func activate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await manage(request, context, kind: "user.activated", flash: "flash_user_activated") { member, target in
            _ = try await services.users.setActive(member, userID: target.id, active: true)
            return [:]
        }
    }

    @Sendable func resetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        // The target is resolved before the form is judged: another tenant's id is a 404 whatever was posted.
        _ = try await services.users.find(try context.uuidParameter(), scope: .tenant(try context.member()))
        var errors = FieldErrors()
        FormRules.newPassword(context.form["temporary_password"], confirmation: nil, field: "temporary_password", confirmationField: "", into: &errors)
        if !errors.isEmpty {
            try await services.flash(context, .error, "validation_password_length")
            return .seeOther("/users")
        }
        return try await manage(request, context, kind: "user.password_reset", flash: "flash_password_reset") { member, target in
            let hash = try await services.hasher.hash(context.form["temporary_password"])
            _ = try await services.users.resetPassword(member, userID: target.id, passwordHash: hash)
            try await services.sessions.closeAll(userID: target.id)
            try await services.rememberTokens.revokeAll(userID: target.id)
            return [:]
        }
    }

    /// The common shape of every action on another user: load it in the actor's tenant (404
    /// otherwise), check rank, act, audit, flash, back to the list.
    private func manage(_ request: Request, _ context: AppRequestContext, kind: String, flash: String,
                        _ action: (TenantMember, User) async throws -> [String: String]) async throws -> Response {
        let targetID = try context.uuidParameter()
        let member = try context.member()
        let target = try await services.users.find(targetID, scope: .tenant(member))
        guard AccessPolicy.allows(member.role, .manageUsers) else { throw HTTPError(.forbidden) }
        guard target.id != member.userID, AccessPolicy.mayManage(actor: member.role, target: target.role ?? .viewer) else { throw HTTPError(.forbidden) }
        var details = try await action(member, target)
        details["user_id"] = target.id.uuidString
        await services.audit.record(kind: kind, identity: try context.identity(), context: context, details: details)
        try await services.flash(context, .success, flash)
        return .seeOther("/users")
    }
}
