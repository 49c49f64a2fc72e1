import FluentKit
import Foundation

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// `nil` only for the platform super-admin.
    @OptionalField(key: "company_id") var companyID: UUID?
    @Field(key: "full_name") var fullName: String
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "role") var role: String?
    @OptionalField(key: "platform_role") var platformRole: String?
    @Field(key: "locale") var locale: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "must_change_password") var mustChangePassword: Bool
    /// The TOTP secret sealed with SecretBox; set while setting up and kept once enabled.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @Field(key: "totp_enabled") var totpEnabled: Bool
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    @Field(key: "password_changed_at") var passwordChangedAt: Date
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
