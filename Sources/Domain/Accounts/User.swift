import Foundation

/// A person who signs in. Tenant users carry a company and a ``Role``; the platform
/// super-admin carries ``PlatformRole`` and no company. Credentials never appear here:
/// hashes stay inside Storage and the authentication service.
public struct User: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID?
    public var fullName: String
    public var email: EmailAddress
    public var role: Role?
    public var platformRole: PlatformRole?
    public var locale: AppLocale
    public var isActive: Bool
    /// Set when an admin gave a one-time password: the user must choose a new one first.
    public var mustChangePassword: Bool
    public var totpEnabled: Bool
    public var lastLoginAt: Date?
    public let createdAt: Date

    public init(
        id: UUID, companyID: UUID?, fullName: String, email: EmailAddress, role: Role?,
        platformRole: PlatformRole?, locale: AppLocale, isActive: Bool, mustChangePassword: Bool,
        totpEnabled: Bool, lastLoginAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.companyID = companyID
        self.fullName = fullName
        self.email = email
        self.role = role
        self.platformRole = platformRole
        self.locale = locale
        self.isActive = isActive
        self.mustChangePassword = mustChangePassword
        self.totpEnabled = totpEnabled
        self.lastLoginAt = lastLoginAt
        self.createdAt = createdAt
    }

    public var isSuperAdmin: Bool { platformRole == .superAdmin }

    /// The scope this user acts in once signed in, or `nil` for a user who belongs nowhere
    /// (which the data model does not allow, but a corrupted row must not grant access).
    public var scope: TenantScope? {
        if isSuperAdmin { return .platform(userID: id) }
        guard let companyID, let role else { return nil }
        return .tenant(TenantMember(companyID: companyID, userID: id, role: role))
    }
}
