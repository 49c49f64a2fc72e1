import Domain
import FluentKit
import Foundation
import SQLKit

/// Users and their credentials. Reads for other users are tenant-scoped; the lookups by e-mail
/// and by id that sign-in and sessions need are unscoped by nature and say so in their names.
public struct UserRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    // MARK: Sign-up and platform accounts

    /// Creates a tenant and its owner in one transaction, together with the starter inbox
    /// categories of the chosen language (so a failed sign-up leaves no categories behind).
    public func signUp(_ form: NewCompanyOwner, passwordHash: String) async throws -> (Company, User) {
        let now = clock.now()
        return try await persistence.database.transaction { db in
            guard try await UserModel.query(on: db).filter(\.$email == form.email.value).first() == nil else {
                throw StorageError.emailTaken
            }
            let company = CompanyModel()
            company.id = UUID()
            company.name = form.companyName
            company.description = form.companyDescription
            company.defaultLocale = form.locale.rawValue
            company.createdAt = now
            try await company.create(on: db)
            let owner = UserModel.fresh(email: form.email, fullName: form.fullName, passwordHash: passwordHash, locale: form.locale, now: now)
            owner.companyID = company.id
            owner.role = Role.owner.rawValue
            try await Self.insertUnique(owner, on: db)
            try await CategoryRepository.seedDefaults(companyID: try company.requireID(), locale: form.locale, now: now, on: db)
            return (try company.toDomain(), try owner.toDomain())
        }
    }

    public func createSuperAdmin(email: EmailAddress, fullName: String, passwordHash: String, locale: AppLocale) async throws -> User {
        let model = UserModel.fresh(email: email, fullName: fullName, passwordHash: passwordHash, locale: locale, now: clock.now())
        model.platformRole = PlatformRole.superAdmin.rawValue
        try await Self.insertUnique(model, on: persistence.database)
        return try model.toDomain()
    }

    // MARK: Tenant administration

    public func list(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [User] {
        let query = UserModel.query(on: persistence.database).sort(\.$fullName)
        let company = try scope.company(lookingAt: companyID)
        return try await query.filter(\.$companyID == company).all().map { try $0.toDomain() }
    }

    /// How many people the company has, and how many signed in since `since`: one aggregate query
    /// for the dashboard instead of loading every user.
    public func headcount(_ member: TenantMember, signedInSince since: Date) async throws -> (total: Int, signedIn: Int) {
        let row = try await persistence.sql.raw("""
            SELECT COUNT(*) AS total, COUNT(CASE WHEN last_login_at >= \(bind: since) THEN 1 END) AS signed_in
            FROM users WHERE company_id = \(bind: member.companyID)
            """).first()
        return (try row?.decode(column: "total", as: Int.self) ?? 0, try row?.decode(column: "signed_in", as: Int.self) ?? 0)
    }

    public func find(_ id: UUID, scope: TenantScope) async throws -> User {
        guard let model = try await scopedModel(id, scope: scope) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    public func add(_ member: TenantMember, fullName: String, email: EmailAddress, role: Role, passwordHash: String, locale: AppLocale) async throws -> User {
        let model = UserModel.fresh(email: email, fullName: fullName, passwordHash: passwordHash, locale: locale, now: clock.now())
        model.companyID = member.companyID
        model.role = role.rawValue
        // A password chosen by an admin is known to two people: the user replaces it first.
        model.mustChangePassword = true
        try await persistence.database.transaction { db in
            guard try await UserModel.query(on: db).filter(\.$email == email.value).first() == nil else { throw StorageError.emailTaken }
            try await Self.insertUnique(model, on: db)
        }
        return try model.toDomain()
    }

    public func setRole(_ member: TenantMember, userID: UUID, role: Role) async throws -> User {
        try await mutate(userID, member) { $0.role = role.rawValue }
    }

    public func setActive(_ member: TenantMember, userID: UUID, active: Bool) async throws -> User {
        try await mutate(userID, member) { $0.isActive = active }
    }

    /// An admin sets a one-time password: the user must change it at next sign-in.
    public func resetPassword(_ member: TenantMember, userID: UUID, passwordHash: String) async throws -> User {
        let now = clock.now()
        return try await mutate(userID, member) {
            $0.passwordHash = passwordHash
            $0.mustChangePassword = true
            $0.passwordChangedAt = now
        }
    }

    // MARK: Sign-in and the signed-in user's own account

    public func credentialsForSignIn(email: EmailAddress) async throws -> StoredCredentials? {
        guard let model = try await UserModel.query(on: persistence.database).filter(\.$email == email.value).first() else { return nil }
        return StoredCredentials(user: try model.toDomain(), passwordHash: model.passwordHash, sealedTOTPSecret: model.totpSecret)
    }

    public func credentials(userID: UUID) async throws -> StoredCredentials? {
        guard let model = try await UserModel.find(userID, on: persistence.database) else { return nil }
        return StoredCredentials(user: try model.toDomain(), passwordHash: model.passwordHash, sealedTOTPSecret: model.totpSecret)
    }

    /// The user behind a session; sessions are already bound to one user, so no scope applies.
    public func findForSession(_ id: UUID) async throws -> User? {
        try await UserModel.find(id, on: persistence.database)?.toDomain()
    }

    public func recordSignIn(_ userID: UUID) async throws {
        try await UserModel.query(on: persistence.database).filter(\.$id == userID).set(\.$lastLoginAt, to: clock.now()).update()
    }

    public func changeOwnPassword(_ userID: UUID, passwordHash: String) async throws {
        try await UserModel.query(on: persistence.database).filter(\.$id == userID)
            .set(\.$passwordHash, to: passwordHash)
            .set(\.$mustChangePassword, to: false)
            .set(\.$passwordChangedAt, to: clock.now())
            .update()
    }

    public func setLocale(_ userID: UUID, locale: AppLocale) async throws {
        try await UserModel.query(on: persistence.database).filter(\.$id == userID).set(\.$locale, to: locale.rawValue).update()
    }

    public func storeTOTP(_ userID: UUID, sealedSecret: String?, enabled: Bool) async throws {
        try await UserModel.query(on: persistence.database).filter(\.$id == userID)
            .set(\.$totpSecret, to: sealedSecret)
            .set(\.$totpEnabled, to: enabled)
            .update()
    }

    // MARK: Helpers

    private func scopedModel(_ id: UUID, scope: TenantScope, on db: (any Database)? = nil) async throws -> UserModel? {
        let query = UserModel.query(on: db ?? persistence.database).filter(\.$id == id)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        return try await query.first()
    }

    private func mutate(_ userID: UUID, _ member: TenantMember, _ change: @Sendable (UserModel) -> Void) async throws -> User {
        guard let model = try await scopedModel(userID, scope: .tenant(member)) else { throw StorageError.notFound }
        change(model)
        try await model.save(on: persistence.database)
        return try model.toDomain()
    }

    /// Two sign-ups racing for one address both pass the read check; the unique index decides,
    /// and the loser must see a field error, not a 500.
    private static func insertUnique(_ model: UserModel, on db: any Database) async throws {
        do {
            try await model.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.emailTaken
        }
    }
}

extension UserModel {
    static func fresh(email: EmailAddress, fullName: String, passwordHash: String, locale: AppLocale, now: Date) -> UserModel {
        let model = UserModel()
        model.id = UUID()
        model.email = email.value
        model.fullName = fullName
        model.passwordHash = passwordHash
        model.locale = locale.rawValue
        model.isActive = true
        model.mustChangePassword = false
        model.totpEnabled = false
        model.createdAt = now
        model.passwordChangedAt = now
        return model
    }
}

/// What sign-in needs to check a password and a second factor. Leaves Storage only towards the
/// authentication service.
public struct StoredCredentials: Sendable {
    public let user: User
    public let passwordHash: String
    public let sealedTOTPSecret: String?
}

/// The sign-up form after validation.
public struct NewCompanyOwner: Sendable {
    public var fullName: String
    public var email: EmailAddress
    public var companyName: String
    public var companyDescription: String
    public var locale: AppLocale

    public init(fullName: String, email: EmailAddress, companyName: String, companyDescription: String, locale: AppLocale) {
        self.fullName = fullName
        self.email = email
        self.companyName = companyName
        self.companyDescription = companyDescription
        self.locale = locale
    }
}
