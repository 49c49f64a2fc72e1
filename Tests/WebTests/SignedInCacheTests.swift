import Domain
import Foundation
import Storage
import TestSupport
import Testing
@testable import Web

@Suite struct SignedInCacheTests {
    @Test func aCachedSessionIsServedUntilAWriteInvalidatesIt() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (company, owner) = try await users.signUp(
                NewCompanyOwner(fullName: "Анна", email: EmailAddress("anna@a.ru")!, companyName: "A", companyDescription: "", locale: .ru),
                passwordHash: "h")
            let member = TenantMember(companyID: company.id, userID: owner.id, role: .owner)
            let added = try await users.add(member, fullName: "Борис", email: EmailAddress("boris@a.ru")!, role: .manager, passwordHash: "h", locale: .ru)
            let (cookie, _) = try await SessionStore(persistence: db).open(userID: added.id)
            let cache = SignedInCache(lookup: SignedInLookup(persistence: db), lifetime: .seconds(3600))

            #expect(try await cache.resolve(cookie: cookie)?.user?.isActive == true)
            _ = try await users.setActive(member, userID: added.id, active: false)
            // Without an invalidation the cache answers from memory: this is the staleness that
            // `lifetime` bounds for writes made by another process.
            #expect(try await cache.resolve(cookie: cookie)?.user?.isActive == true)
            cache.invalidateAll()
            #expect(try await cache.resolve(cookie: cookie)?.user?.isActive == false)
        }
    }

    @Test func entriesExpireAfterTheirLifetime() async throws {
        try await TestDatabase.with { db in
            let (_, owner) = try await UserRepository(persistence: db).signUp(
                NewCompanyOwner(fullName: "Анна", email: EmailAddress("anna@a.ru")!, companyName: "A", companyDescription: "", locale: .ru),
                passwordHash: "h")
            let sessions = SessionStore(persistence: db)
            let (cookie, _) = try await sessions.open(userID: owner.id)
            let cache = SignedInCache(lookup: SignedInLookup(persistence: db), lifetime: .milliseconds(1))
            #expect(try await cache.resolve(cookie: cookie) != nil)
            try await sessions.close(cookie: cookie)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await cache.resolve(cookie: cookie) == nil)
        }
    }

    @Test func aSessionWithAFlashIsNeverCached() async throws {
        try await TestDatabase.with { db in
            let sessions = SessionStore(persistence: db)
            let (cookie, _) = try await sessions.open(userID: nil)
            try await sessions.setFlash(cookie: cookie, #"{"kind":"success","messageKey":"x"}"#)
            let cache = SignedInCache(lookup: SignedInLookup(persistence: db), lifetime: .seconds(3600))
            #expect(try await cache.resolve(cookie: cookie)?.session.flash != nil)
            try await sessions.setFlash(cookie: cookie, nil)
            #expect(try await cache.resolve(cookie: cookie)?.session.flash == nil, "the flash is shown once")
        }
    }
}
