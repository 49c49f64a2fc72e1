/// What a user may do. Controllers ask ``AccessPolicy`` instead of comparing roles, so the rules
/// live in one table that can be read and tested as a whole.
public enum Permission: Sendable, CaseIterable {
    case viewWorkspace
    case manageUsers
    case editCompanySettings
    case viewAuditTrail
    case manageJobs
    case viewPlatform
    /// Read the processed inbox: messages, categories, verdicts, charts.
    case viewInbox
    /// Add, edit, pause and remove mailboxes (their passwords pass through these hands).
    case manageMailboxes
    /// Edit categories, rules and the inbox settings.
    case manageCategories
    /// Change a message's category (relabels it and trains the tenant's classifier).
    case correctClassification
    /// Add, test, order and remove the tenant's own LLM providers (their API keys pass through
    /// these hands).
    case manageLLMProviders
}

public enum AccessPolicy {
    /// The permission table for tenant roles.
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        switch permission {
        case .viewWorkspace, .viewInbox: true
        case .manageUsers, .editCompanySettings, .viewAuditTrail, .manageJobs, .manageMailboxes, .manageCategories, .manageLLMProviders:
            role >= .admin
        case .correctClassification: role >= .manager
        case .viewPlatform: false
        }
    }

    /// The platform scope may look at everything (read-only) but manages no tenant.
    public static func allows(_ scope: TenantScope, _ permission: Permission) -> Bool {
        switch scope {
        case .tenant(let member): allows(member.role, permission)
        case .platform: readOnlyPlatformPermissions.contains(permission)
        }
    }

    /// What the platform scope may do: look, never change.
    private static let readOnlyPlatformPermissions: Set<Permission> = [.viewPlatform, .viewAuditTrail, .viewWorkspace, .viewInbox]

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
