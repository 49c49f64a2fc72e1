import FluentKit
import Foundation

/// "Remember me" tokens: `selector:validator` in a cookie valid 30 days. The selector finds the
/// row, the validator proves possession and is stored only as a hash. Every use rotates the
/// validator; presenting the previous validator again means someone copied the cookie, so all of
/// that user's tokens are revoked.
public struct RememberTokenStore: Sendable {
    let persistence: Persistence
    let clock: any StorageClock
    public let lifetime: TimeInterval

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock(), lifetime: TimeInterval = 30 * 24 * 3600) {
        self.persistence = persistence
        self.clock = clock
        self.lifetime = lifetime
    }

    public func issue(userID: UUID) async throws -> String {
        let selector = SecureToken.random(byteCount: 12)
        let validator = SecureToken.random()
        let model = RememberTokenModel()
        model.id = UUID()
        model.userID = userID
        model.selector = selector
        model.validatorHash = SecureToken.hash(validator)
        model.createdAt = clock.now()
        model.expiresAt = clock.now().addingTimeInterval(lifetime)
        try await model.create(on: persistence.database)
        return "\(selector):\(validator)"
    }

    /// Checks a cookie value. On success returns the user and the rotated cookie value.
    public func redeem(_ cookie: String) async throws -> RememberOutcome {
        let parts = cookie.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .invalid }
        let db = persistence.database
        guard let model = try await RememberTokenModel.query(on: db).filter(\.$selector == parts[0]).first() else { return .invalid }
        let presented = SecureToken.hash(parts[1])
        if SecureToken.equal(presented, model.validatorHash) {
            guard model.expiresAt > clock.now() else {
                try await model.delete(on: db)
                return .invalid
            }
            let validator = SecureToken.random()
            model.previousValidatorHash = model.validatorHash
            model.validatorHash = SecureToken.hash(validator)
            try await model.save(on: db)
            return .valid(userID: model.userID, rotatedCookie: "\(model.selector):\(validator)")
        }
        if let previous = model.previousValidatorHash, SecureToken.equal(presented, previous) {
            try await revokeAll(userID: model.userID)
            return .reused(userID: model.userID)
        }
        return .invalid
    }

    public func revoke(_ cookie: String) async throws {
        guard let selector = cookie.split(separator: ":").first else { return }
        try await RememberTokenModel.query(on: persistence.database).filter(\.$selector == String(selector)).delete()
    }

    public func revokeAll(userID: UUID) async throws {
        try await RememberTokenModel.query(on: persistence.database).filter(\.$userID == userID).delete()
    }

    public func count(userID: UUID) async throws -> Int {
        try await RememberTokenModel.query(on: persistence.database).filter(\.$userID == userID).count()
    }
}

public enum RememberOutcome: Sendable, Equatable {
    case valid(userID: UUID, rotatedCookie: String)
    /// An old validator came back: the cookie was stolen or replayed. Everything was revoked.
    case reused(userID: UUID)
    case invalid
}
