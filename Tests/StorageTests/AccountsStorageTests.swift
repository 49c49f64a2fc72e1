import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct AccountsStorageTests {
    static func owner(_ email: String, company: String = "ООО Ромашка") -> NewCompanyOwner {
        NewCompanyOwner(fullName: "Анна Петрова", email: EmailAddress(email)!, companyName: company, companyDescription: "Поставки цветов", locale: .ru)
    }

    @Test func signUpCreatesTenantAndOwner() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (company, owner) = try await users.signUp(Self.owner("anna@romashka.ru"), passwordHash: "hash")
            #expect(owner.companyID == company.id)
            #expect(owner.role == .owner)
            #expect(company.name == "ООО Ромашка")
            let stored = try #require(try await users.credentialsForSignIn(email: EmailAddress("ANNA@romashka.ru")!))
            #expect(stored.user.id == owner.id)
            #expect(stored.passwordHash == "hash")
        }
    }

    @Test func duplicateEmailIsAFieldErrorNotACrash() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            _ = try await users.signUp(Self.owner("anna@romashka.ru"), passwordHash: "hash")
            await #expect(throws: StorageError.emailTaken) {
                _ = try await users.signUp(Self.owner("anna@romashka.ru", company: "Другая"), passwordHash: "hash")
            }
            let companies = try await CompanyRepository(persistence: db).listAllForPlatform(.platform(userID: UUID()))
            #expect(companies.count == 1, "the failed sign-up must not leave a company behind")
        }
    }

    @Test func anotherTenantsUserIsNotFound() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (_, anna) = try await users.signUp(Self.owner("anna@a.ru", company: "A"), passwordHash: "h")
            let (_, boris) = try await users.signUp(Self.owner("boris@b.ru", company: "B"), passwordHash: "h")
            let borisScope = try #require(boris.scope)
            await #expect(throws: StorageError.notFound) { _ = try await users.find(anna.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) {
                _ = try await users.setRole(borisScope.member!, userID: anna.id, role: .viewer)
            }
            #expect(try await users.find(anna.id, scope: anna.scope!).role == .owner, "the failed change must not have happened")
            #expect(try await users.list(borisScope).map(\.id) == [boris.id])
        }
    }

    @Test func platformScopeReadsEveryTenantButChangesNothing() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (companyA, anna) = try await users.signUp(Self.owner("anna@a.ru", company: "A"), passwordHash: "h")
            let admin = try await users.createSuperAdmin(email: EmailAddress("root@platform.ru")!, fullName: "Root", passwordHash: "h", locale: .en)
            let platform = try #require(admin.scope)
            #expect(platform == .platform(userID: admin.id))
            #expect(try await users.find(anna.id, scope: platform).email.value == "anna@a.ru")
            #expect(try await users.list(platform, companyID: companyA.id).count == 1)
            #expect(platform.member == nil, "tenant-only repositories take a TenantMember, which the platform scope cannot produce")
            await #expect(throws: StorageError.readOnlyScope) {
                try await JobQueue(persistence: db).retry(UUID(), scope: platform)
            }
        }
    }

    @Test func addedUsersMustChangeTheirPassword() async throws {
        try await TestDatabase.with { db in
            let users = UserRepository(persistence: db)
            let (_, anna) = try await users.signUp(Self.owner("anna@a.ru"), passwordHash: "h")
            let added = try await users.add(anna.scope!.member!, fullName: "Борис", email: EmailAddress("boris@a.ru")!, role: .manager, passwordHash: "tmp", locale: .ru)
            #expect(added.mustChangePassword)
            try await users.changeOwnPassword(added.id, passwordHash: "new")
            #expect(try await users.findForSession(added.id)?.mustChangePassword == false)
            await #expect(throws: StorageError.emailTaken) {
                _ = try await users.add(anna.scope!.member!, fullName: "Дубль", email: EmailAddress("BORIS@a.ru")!, role: .viewer, passwordHash: "x", locale: .ru)
            }
        }
    }
}

@Suite struct SignedInLookupTests {
    @Test func oneQueryResolvesSessionUserAndCompany() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let users = UserRepository(persistence: db, clock: clock)
            let (company, anna) = try await users.signUp(AccountsStorageTests.owner("anna@a.ru"), passwordHash: "h")
            try await users.recordSignIn(anna.id)
            let sessions = SessionStore(persistence: db, clock: clock, lifetime: 60)
            let (cookie, _) = try await sessions.open(userID: anna.id)
            let lookup = SignedInLookup(persistence: db, clock: clock)
            let found = try #require(try await lookup.resolve(cookie: cookie))
            #expect(found.user == (try await users.findForSession(anna.id)), "the joined row maps exactly as the repository does")
            #expect(found.company == company)
            #expect(found.session.userID == anna.id)
            let (anonymous, _) = try await sessions.open(userID: nil)
            let anon = try #require(try await lookup.resolve(cookie: anonymous))
            #expect(anon.user == nil && anon.company == nil)
            #expect(try await lookup.resolve(cookie: "unknown") == nil)
            clock.advance(by: 61)
            #expect(try await lookup.resolve(cookie: cookie) == nil, "expired")
            let counts = try await users.headcount(anna.scope!.member!, signedInSince: clock.now().addingTimeInterval(-3600))
            #expect(counts.total == 1 && counts.signedIn == 1)
            let later = try await users.headcount(anna.scope!.member!, signedInSince: clock.now())
            #expect(later.signedIn == 0)
        }
    }
}
