import Foundation

/// Who is asking, and over which data. Every repository call takes one; repositories add the
/// `company_id` filter themselves so a controller cannot forget it.
public enum TenantScope: Sendable, Equatable {
    /// A signed-in member of one company: sees and changes that company's rows only.
    case tenant(TenantMember)
    /// The platform `SUPER_ADMIN`: reads every tenant, changes nothing through tenant repositories,
    /// and is refused by repositories that hold private tenant data (client notes).
    case platform(userID: UUID)

    /// The company whose rows this scope may touch, or `nil` for the platform scope (all companies).
    public var companyID: UUID? {
        switch self {
        case .tenant(let member): member.companyID
        case .platform: nil
        }
    }

    public var userID: UUID {
        switch self {
        case .tenant(let member): member.userID
        case .platform(let userID): userID
        }
    }

    /// The tenant-only view of this scope, or `nil` for the platform scope. Repositories that must
    /// refuse the platform take a ``TenantMember`` instead of a ``TenantScope``, so the refusal is
    /// a compile-time fact rather than a runtime check someone could drop.
    public var member: TenantMember? {
        if case .tenant(let member) = self { return member }
        return nil
    }
}

/// A signed-in user acting inside their own company.
public struct TenantMember: Sendable, Equatable {
    public let companyID: UUID
    public let userID: UUID
    public let role: Role

    public init(companyID: UUID, userID: UUID, role: Role) {
        self.companyID = companyID
        self.userID = userID
        self.role = role
    }
}
