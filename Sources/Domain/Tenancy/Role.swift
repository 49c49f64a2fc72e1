/// A user's role inside one tenant. The platform-wide `SUPER_ADMIN` is not a tenant role:
/// it lives in ``PlatformRole`` so that no code path can hand it out by editing a company's users.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    case owner
    case admin
    case manager
    case viewer

    /// Higher rank may manage lower rank; an owner outranks everyone in the tenant.
    public var rank: Int {
        switch self {
        case .owner: 3
        case .admin: 2
        case .manager: 1
        case .viewer: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Roles that exist above tenants.
public enum PlatformRole: String, Sendable, Codable {
    case superAdmin = "super_admin"
}
