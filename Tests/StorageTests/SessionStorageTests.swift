import Domain
import Foundation
import Storage
import TestSupport
import Testing

@Suite struct SessionStorageTests {
    func makeUser(_ db: Persistence) async throws -> User {
        try await UserRepository(persistence: db).signUp(
            NewCompanyOwner(fullName: "Анна", email: EmailAddress("anna@a.ru")!, companyName: "A", companyDescription: "", locale: .ru),
            passwordHash: "h").1
    }

    @Test func sessionIdsAreStoredHashedAndRotate() async throws {
        try await TestDatabase.with { db in
            let user = try await makeUser(db)
            let sessions = SessionStore(persistence: db)
            let lookup = SignedInLookup(persistence: db)
            let (cookie, _) = try await sessions.open(userID: nil)
            let (rotated, session) = try await sessions.rotate(cookie: cookie, userID: user.id)
            #expect(rotated != cookie)
            #expect(session.userID == user.id)
            #expect(try await lookup.resolve(cookie: cookie) == nil, "the pre-login id must be dead")
            #expect(try await lookup.resolve(cookie: rotated)?.session.userID == user.id)
            #expect(try await lookup.resolve(cookie: SecureToken.hash(rotated)) == nil, "the stored hash is not a usable cookie")
        }
    }

    @Test func expiredSessionsAreGone() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let sessions = SessionStore(persistence: db, clock: clock, lifetime: 60)
            let (cookie, _) = try await sessions.open(userID: nil)
            clock.advance(by: 61)
            #expect(try await SignedInLookup(persistence: db, clock: clock).resolve(cookie: cookie) == nil)
        }
    }

    @Test func rememberTokensRotateAndAReplayRevokesEverything() async throws {
        try await TestDatabase.with { db in
            let user = try await makeUser(db)
            let tokens = RememberTokenStore(persistence: db)
            let first = try await tokens.issue(userID: user.id)
            let other = try await tokens.issue(userID: user.id)
            guard case .valid(let userID, let second) = try await tokens.redeem(first) else {
                Issue.record("a fresh token must be valid")
                return
            }
            #expect(userID == user.id)
            #expect(second != first)
            // The stolen copy of the old cookie comes back after the owner already used it.
            #expect(try await tokens.redeem(first) == .reused(userID: user.id))
            #expect(try await tokens.count(userID: user.id) == 0, "reuse revokes every token of the user")
            #expect(try await tokens.redeem(second) == .invalid)
            #expect(try await tokens.redeem(other) == .invalid)
        }
    }

    @Test func rememberTokensExpireAfterThirtyDays() async throws {
        try await TestDatabase.with { db in
            let user = try await makeUser(db)
            let clock = TestClock()
            let tokens = RememberTokenStore(persistence: db, clock: clock)
            let cookie = try await tokens.issue(userID: user.id)
            clock.advance(by: 29 * 24 * 3600)
            guard case .valid(_, let rotated) = try await tokens.redeem(cookie) else {
                Issue.record("valid on day 29")
                return
            }
            clock.advance(by: 2 * 24 * 3600)
            #expect(try await tokens.redeem(rotated) == .invalid)
            #expect(try await tokens.redeem("garbage") == .invalid)
        }
    }

    @Test func recoveryCodesWorkOnce() async throws {
        try await TestDatabase.with { db in
            let user = try await makeUser(db)
            let codes = RecoveryCodeStore(persistence: db)
            let issued = try await codes.regenerate(userID: user.id)
            #expect(issued.count == 10)
            #expect(Set(issued).count == 10)
            #expect(try await codes.consume(userID: user.id, code: issued[3].uppercased()))
            #expect(!(try await codes.consume(userID: user.id, code: issued[3])))
            #expect(!(try await codes.consume(userID: user.id, code: "aaaaa-bbbbb")))
        }
    }

    @Test func loginFailuresAreCountedPerAccountAndAddress() async throws {
        try await TestDatabase.with { db in
            let clock = TestClock()
            let attempts = LoginAttemptStore(persistence: db, clock: clock)
            for _ in 0..<3 { try await attempts.record(email: "Anna@a.ru", ip: "10.0.0.1", succeeded: false) }
            try await attempts.record(email: "boris@a.ru", ip: "10.0.0.1", succeeded: false)
            try await attempts.record(email: "anna@a.ru", ip: "10.0.0.2", succeeded: true)
            var counts = try await attempts.recentFailures(email: "anna@a.ru", ip: "10.0.0.1", window: 900)
            #expect(counts.account == 3)
            #expect(counts.address == 4)
            clock.advance(by: 901)
            counts = try await attempts.recentFailures(email: "anna@a.ru", ip: "10.0.0.1", window: 900)
            #expect(counts.account == 0 && counts.address == 0)
        }
    }
}
