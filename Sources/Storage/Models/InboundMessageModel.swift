import FluentKit
import Foundation

/// Metadata of an incoming message; never its body. Rows are inserted in batches with SQLKit
/// (see `InboundMessageRepository.store`); the model serves reads.
final class InboundMessageModel: Model, @unchecked Sendable {
    static let schema = "inbound_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "mailbox_id") var mailboxID: UUID?
    @Field(key: "provider_item_id") var providerItemID: String
    @OptionalField(key: "message_id") var messageID: String?
    /// JSON array.
    @Field(key: "in_reply_to") var inReplyTo: String
    /// JSON array.
    @Field(key: "reference_ids") var referenceIDs: String
    @Field(key: "from_address") var fromAddress: String
    @OptionalField(key: "from_name") var fromName: String?
    /// JSON array.
    @Field(key: "to_addresses") var toAddresses: String
    @Field(key: "subject") var subject: String
    @Field(key: "snippet") var snippet: String
    @Field(key: "search_text") var searchText: String
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "stored_at") var storedAt: Date
    /// Where a rule moved the message; both NULL while it is where the sync found it.
    @OptionalField(key: "moved_to_folder") var movedToFolder: String?
    @OptionalField(key: "moved_item_id") var movedItemID: String?

    init() {}
}
