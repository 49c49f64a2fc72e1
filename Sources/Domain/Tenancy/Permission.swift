/// What a user may do. Controllers ask ``AccessPolicy`` instead of comparing roles, so the rules
/// live in one table that can be read and tested as a whole.
public enum Permission: Sendable, CaseIterable {
    case viewWorkspace
    case manageUsers
    case editCompanySettings
    case viewAuditTrail
    case manageJobs
    case viewPlatform
}

public enum AccessPolicy {
    /// The permission table for tenant roles.
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        switch permission {
        case .viewWorkspace: true
        case .manageUsers, .editCompanySettings, .viewAuditTrail, .manageJobs: role >= .admin
        case .viewPlatform: false
        }
    }

    /// The platform scope may look at everything (read-only) but manages no tenant.
    public static func allows(_ scope: TenantScope, _ permission: Permission) -> Bool {
        switch scope {
        case .tenant(let member): allows(member.role, permission)
        case .platform: permission == .viewPlatform || permission == .viewAuditTrail || permission == .viewWorkspace
        }
    }

    /// Which roles an actor may grant or take away: never above their own, and only an owner
    /// makes owners.
    public static func assignableRoles(by actor: Role) -> [Role] {
        Role.allCases.filter { $0 <= actor }.sorted(by: >)
    }

    /// Whether `actor` may manage an existing user holding `target` (change role, deactivate,
    /// reset password). Admins cannot touch owners.
    public static func mayManage(actor: Role, target: Role) -> Bool {
        allows(actor, .manageUsers) && target <= actor
    }
}
