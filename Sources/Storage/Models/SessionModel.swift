import FluentKit
import Foundation

/// A browser session. The id is the SHA-256 of the cookie value, so a leaked database dump
/// does not hand out live sessions. (CSRF tokens are derived from the cookie, not stored.)
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @OptionalField(key: "user_id") var userID: UUID?
    /// Set between the password step and the second factor: the session knows who is signing
    /// in but grants nothing yet.
    @OptionalField(key: "pending_user_id") var pendingUserID: UUID?
    @Field(key: "pending_remember") var pendingRemember: Bool
    @OptionalField(key: "flash") var flash: String?
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
