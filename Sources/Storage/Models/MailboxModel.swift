import FluentKit
import Foundation

final class MailboxModel: Model, @unchecked Sendable {
    static let schema = "mailboxes"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "address") var address: String
    @Field(key: "username") var username: String
    /// The password or app password sealed with SecretBox. Opened only by
    /// `MailboxRepository.credentials(for:)`.
    @Field(key: "secret_sealed") var secretSealed: String
    @OptionalField(key: "imap_host") var imapHost: String?
    @OptionalField(key: "imap_port") var imapPort: Int?
    @OptionalField(key: "imap_tls") var imapTLS: String?
    @OptionalField(key: "smtp_host") var smtpHost: String?
    @OptionalField(key: "smtp_port") var smtpPort: Int?
    @OptionalField(key: "smtp_tls") var smtpTLS: String?
    @OptionalField(key: "custom_ca_pem") var customCAPEM: String?
    @OptionalField(key: "ews_url") var ewsURL: String?
    @OptionalField(key: "exchange_auth") var exchangeAuth: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "last_sync_at") var lastSyncAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "messages_stored") var messagesStored: Int
    @Field(key: "import_window_days") var importWindowDays: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class MailboxCheckpointModel: Model, @unchecked Sendable {
    static let schema = "mailbox_checkpoints"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "mailbox_id") var mailboxID: UUID
    @Field(key: "checkpoint") var checkpoint: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
