import Domain
import FluentKit
import Foundation

/// Server-side sessions. The browser holds a random id; the table holds its hash, the user,
/// and short-lived UI state (a flash message).
public struct SessionStore: Sendable {
    let persistence: Persistence
    let clock: any StorageClock
    public let lifetime: TimeInterval

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock(), lifetime: TimeInterval = 12 * 3600) {
        self.persistence = persistence
        self.clock = clock
        self.lifetime = lifetime
    }

    /// Opens a session and returns the cookie value (shown once, never stored).
    public func open(userID: UUID?, pendingUserID: UUID? = nil, pendingRemember: Bool = false) async throws -> (cookie: String, session: WebSession) {
        let cookie = SecureToken.random()
        let model = SessionModel()
        model.id = SecureToken.hash(cookie)
        model.userID = userID
        model.pendingUserID = pendingUserID
        model.pendingRemember = pendingRemember
        model.createdAt = clock.now()
        model.expiresAt = clock.now().addingTimeInterval(lifetime)
        try await model.create(on: persistence.database)
        return (cookie, model.toWebSession())
    }

    /// Login rotates the id: a session id planted before sign-in (fixation) is worthless after.
    public func rotate(cookie: String, userID: UUID?, pendingUserID: UUID? = nil, pendingRemember: Bool = false) async throws -> (cookie: String, session: WebSession) {
        try await close(cookie: cookie)
        return try await open(userID: userID, pendingUserID: pendingUserID, pendingRemember: pendingRemember)
    }

    public func close(cookie: String) async throws {
        try await SessionModel.query(on: persistence.database).filter(\.$id == SecureToken.hash(cookie)).delete()
    }

    /// Signs a user out everywhere (password change, deactivation).
    public func closeAll(userID: UUID, except cookie: String? = nil) async throws {
        let query = SessionModel.query(on: persistence.database).filter(\.$userID == userID)
        if let cookie { query.filter(\.$id != SecureToken.hash(cookie)) }
        try await query.delete()
    }

    public func setFlash(cookie: String, _ flash: String?) async throws {
        try await SessionModel.query(on: persistence.database).filter(\.$id == SecureToken.hash(cookie)).set(\.$flash, to: flash).update()
    }

    public func purgeExpired() async throws {
        try await SessionModel.query(on: persistence.database).filter(\.$expiresAt < clock.now()).delete()
    }
}

/// A session as the web layer sees it.
public struct WebSession: Sendable, Equatable {
    public let userID: UUID?
    public let pendingUserID: UUID?
    public let pendingRemember: Bool
    public let flash: String?
}

extension SessionModel {
    func toWebSession() -> WebSession {
        WebSession(userID: userID, pendingUserID: pendingUserID, pendingRemember: pendingRemember, flash: flash)
    }
}
