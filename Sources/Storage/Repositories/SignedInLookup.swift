import Domain
import Foundation
import SQLKit

/// The question every page asks first — whose session is this, and which company are they in —
/// answered in one joined query. Going through three Fluent lookups cost three round trips plus
/// Fluent's per-row reflection, the largest share of a signed-in page's time.
public struct SignedInLookup: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    public struct Result: Sendable {
        public let session: WebSession
        /// `nil` for an anonymous or half-signed-in session, and for a user who is gone.
        public let user: User?
        public let company: Company?
    }

    public func resolve(cookie: String) async throws -> Result? {
        let rows = try await persistence.sql.raw("""
            SELECT s.user_id AS s_user_id, s.pending_user_id, s.pending_remember, s.flash, s.expires_at,
                   u.id AS u_id, u.company_id AS u_company_id, u.full_name, u.email, u.role, u.platform_role, u.locale AS u_locale,
                   u.is_active, u.must_change_password, u.totp_enabled, u.last_login_at, u.created_at AS u_created_at,
                   c.id AS c_id, c.name AS c_name, c.description AS c_description, c.default_locale, c.created_at AS c_created_at
            FROM sessions s
            LEFT JOIN users u ON u.id = s.user_id
            LEFT JOIN companies c ON c.id = u.company_id
            WHERE s.id = \(bind: SecureToken.hash(cookie))
            """).all()
        guard let row = rows.first else { return nil }
        guard try row.decode(column: "expires_at", as: Date.self) > clock.now() else { return nil }
        let session = WebSession(
            userID: try row.decode(column: "s_user_id", as: UUID?.self),
            pendingUserID: try row.decode(column: "pending_user_id", as: UUID?.self),
            pendingRemember: try row.decode(column: "pending_remember", as: Bool.self),
            flash: try row.decode(column: "flash", as: String?.self))
        var user: User?
        if let userID = try row.decode(column: "u_id", as: UUID?.self),
           let email = EmailAddress(try row.decode(column: "email", as: String.self)) {
            user = User(
                id: userID,
                companyID: try row.decode(column: "u_company_id", as: UUID?.self),
                fullName: try row.decode(column: "full_name", as: String.self),
                email: email,
                role: try row.decode(column: "role", as: String?.self).flatMap(Role.init(rawValue:)),
                platformRole: try row.decode(column: "platform_role", as: String?.self).flatMap(PlatformRole.init(rawValue:)),
                locale: AppLocale(rawValue: try row.decode(column: "u_locale", as: String.self)) ?? .fallback,
                isActive: try row.decode(column: "is_active", as: Bool.self),
                mustChangePassword: try row.decode(column: "must_change_password", as: Bool.self),
                totpEnabled: try row.decode(column: "totp_enabled", as: Bool.self),
                lastLoginAt: try row.decode(column: "last_login_at", as: Date?.self),
                createdAt: try row.decode(column: "u_created_at", as: Date.self))
        }
        var company: Company?
        if let companyID = try row.decode(column: "c_id", as: UUID?.self) {
            company = Company(
                id: companyID,
                name: try row.decode(column: "c_name", as: String.self),
                description: try row.decode(column: "c_description", as: String.self),
                defaultLocale: AppLocale(rawValue: try row.decode(column: "default_locale", as: String.self)) ?? .fallback,
                createdAt: try row.decode(column: "c_created_at", as: Date.self))
        }
        return Result(session: session, user: user, company: company)
    }
}
