import FluentKit
import Foundation

/// The current verdict on a message (one row per message). Verdicts are upserted with SQLKit.
final class MessageClassificationModel: Model, @unchecked Sendable {
    static let schema = "message_classifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "message_id") var messageID: UUID
    @OptionalField(key: "category_id") var categoryID: UUID?
    @Field(key: "confidence") var confidence: Double
    @Field(key: "reason") var reason: String
    @Field(key: "source") var source: String
    @Field(key: "needs_review") var needsReview: Bool
    @Field(key: "classified_at") var classifiedAt: Date
    @OptionalField(key: "corrected_by") var correctedBy: UUID?
    @OptionalField(key: "corrected_at") var correctedAt: Date?

    init() {}
}

final class ClassificationCorrectionModel: Model, @unchecked Sendable {
    static let schema = "classification_corrections"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "message_id") var messageID: UUID?
    @Field(key: "category_id") var categoryID: UUID
    @OptionalField(key: "previous_category_id") var previousCategoryID: UUID?
    @Field(key: "sender") var sender: String
    @Field(key: "subject") var subject: String
    @Field(key: "snippet") var snippet: String
    @Field(key: "corrected_by") var correctedBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
