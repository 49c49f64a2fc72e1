import FluentKit
import Foundation

/// "Remember me": the cookie carries selector + validator; only the validator's hash is stored.
final class RememberTokenModel: Model, @unchecked Sendable {
    static let schema = "remember_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "selector") var selector: String
    @Field(key: "validator_hash") var validatorHash: String
    /// Hash of the validator this one replaced: presenting it again means the cookie was copied.
    @OptionalField(key: "previous_validator_hash") var previousValidatorHash: String?
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
