import FluentKit
import Foundation

/// One mailbox action for a message. Unique by (message, kind, label): the idempotency key.
final class LabelActionModel: Model, @unchecked Sendable {
    static let schema = "label_actions"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "message_id") var messageID: UUID
    @OptionalField(key: "mailbox_id") var mailboxID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "label") var label: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "done_at") var doneAt: Date?

    init() {}
}
