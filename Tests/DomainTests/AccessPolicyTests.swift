import Domain
import Foundation
import Testing

@Suite struct AccessPolicyTests {
    @Test func onlyOwnersAndAdminsManageUsers() {
        #expect(AccessPolicy.allows(.owner, .manageUsers))
        #expect(AccessPolicy.allows(.admin, .manageUsers))
        #expect(!AccessPolicy.allows(.manager, .manageUsers))
        #expect(!AccessPolicy.allows(.viewer, .manageUsers))
    }

    @Test func nobodyGrantsAboveTheirOwnRank() {
        #expect(AccessPolicy.assignableRoles(by: .owner) == [.owner, .admin, .manager, .viewer])
        #expect(AccessPolicy.assignableRoles(by: .admin) == [.admin, .manager, .viewer])
        #expect(AccessPolicy.assignableRoles(by: .viewer) == [.viewer])
    }

    @Test func adminsCannotTouchOwners() {
        #expect(!AccessPolicy.mayManage(actor: .admin, target: .owner))
        #expect(AccessPolicy.mayManage(actor: .admin, target: .manager))
        #expect(AccessPolicy.mayManage(actor: .owner, target: .owner))
        #expect(!AccessPolicy.mayManage(actor: .manager, target: .viewer))
    }

    @Test func platformScopeReadsButManagesNoTenant() {
        let platform = TenantScope.platform(userID: UUID())
        #expect(AccessPolicy.allows(platform, .viewPlatform))
        #expect(AccessPolicy.allows(platform, .viewAuditTrail))
        #expect(!AccessPolicy.allows(platform, .manageUsers))
        #expect(!AccessPolicy.allows(platform, .editCompanySettings))
        #expect(platform.member == nil)
        #expect(platform.companyID == nil)
    }

    @Test func inboxPermissionsFollowTheRoleTable() {
        let table: [(Permission, [Role])] = [
            (.viewInbox, [.owner, .admin, .manager, .viewer]),
            (.correctClassification, [.owner, .admin, .manager]),
            (.manageMailboxes, [.owner, .admin]),
            (.manageCategories, [.owner, .admin]),
        ]
        for (permission, allowed) in table {
            for role in Role.allCases {
                #expect(AccessPolicy.allows(role, permission) == allowed.contains(role), "\(role) \(permission)")
            }
        }
    }

    @Test func platformScopeReadsTheInboxButChangesNothingInIt() {
        let platform = TenantScope.platform(userID: UUID())
        #expect(AccessPolicy.allows(platform, .viewInbox))
        #expect(!AccessPolicy.allows(platform, .manageMailboxes))
        #expect(!AccessPolicy.allows(platform, .manageCategories))
        #expect(!AccessPolicy.allows(platform, .correctClassification))
    }

    @Test func tenantRolesNeverReachThePlatformConsole() {
        for role in Role.allCases {
            #expect(!AccessPolicy.allows(role, .viewPlatform))
        }
    }
}
