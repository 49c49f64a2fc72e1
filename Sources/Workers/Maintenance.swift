import Domain
import Foundation
import Storage

/// Periodic housekeeping: expired sessions and old login attempts.
public struct MaintenanceJob: JobHandler {
    public static let kind = "platform.maintenance"
    public var kind: String { Self.kind }

    let sessions: SessionStore
    let loginAttempts: LoginAttemptStore

    public init(sessions: SessionStore, loginAttempts: LoginAttemptStore) {
        self.sessions = sessions
        self.loginAttempts = loginAttempts
    }

    public func run(_ job: Job, context: JobContext) async throws {
        try await sessions.purgeExpired()
        try await loginAttempts.purge(olderThan: 7 * 24 * 3600)
    }
}
