import FluentKit
import Foundation

/// Failed and successful sign-ins, counted for throttling.
public struct LoginAttemptStore: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    public func record(email: String, ip: String, succeeded: Bool) async throws {
        let model = LoginAttemptModel()
        model.id = UUID()
        model.email = email.lowercased()
        model.ip = ip
        model.succeeded = succeeded
        model.attemptedAt = clock.now()
        try await model.create(on: persistence.database)
    }

    /// Failures within `window` for this account and for this address.
    public func recentFailures(email: String, ip: String, window: TimeInterval) async throws -> (account: Int, address: Int) {
        let since = clock.now().addingTimeInterval(-window)
        let db = persistence.database
        let account = try await LoginAttemptModel.query(on: db)
            .filter(\.$email == email.lowercased()).filter(\.$succeeded == false).filter(\.$attemptedAt >= since).count()
        let address = try await LoginAttemptModel.query(on: db)
            .filter(\.$ip == ip).filter(\.$succeeded == false).filter(\.$attemptedAt >= since).count()
        return (account, address)
    }

    /// A successful sign-in clears the account's failures so a user who finally remembers the
    /// password is not locked out by their own earlier typos.
    public func clearFailures(email: String) async throws {
        try await LoginAttemptModel.query(on: persistence.database).filter(\.$email == email.lowercased()).filter(\.$succeeded == false).delete()
    }

    public func purge(olderThan age: TimeInterval) async throws {
        try await LoginAttemptModel.query(on: persistence.database).filter(\.$attemptedAt < clock.now().addingTimeInterval(-age)).delete()
    }
}
