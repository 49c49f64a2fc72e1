import FluentKit
import Foundation

final class InboxCategoryModel: Model, @unchecked Sendable {
    static let schema = "inbox_categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    /// JSON array.
    @Field(key: "examples") var examples: String
    @Field(key: "label_name") var labelName: String
    @Field(key: "colour") var colour: String
    @Field(key: "position") var position: Int
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class InboxRuleModel: Model, @unchecked Sendable {
    static let schema = "inbox_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "category_id") var categoryID: UUID
    @Field(key: "apply_label") var applyLabel: Bool
    @Field(key: "mark_as_read") var markAsRead: Bool
    @OptionalField(key: "move_to_folder") var moveToFolder: String?
    @Field(key: "is_enabled") var isEnabled: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class InboxSettingsModel: Model, @unchecked Sendable {
    static let schema = "inbox_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "needs_review_label") var needsReviewLabel: String
    @Field(key: "review_threshold") var reviewThreshold: Double
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
