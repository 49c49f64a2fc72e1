import FluentKit

struct M0010CreateMailboxes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mailboxes")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("display_name", .string, .required)
            .field("address", .string, .required)
            .field("username", .string, .required)
            // SecretBox output (`v1.<keyID>.<base64url>`), never the password itself.
            .field("secret_sealed", .string, .required)
            .field("imap_host", .string)
            .field("imap_port", .int)
            .field("imap_tls", .string)
            .field("smtp_host", .string)
            .field("smtp_port", .int)
            .field("smtp_tls", .string)
            .field("custom_ca_pem", .string)
            .field("ews_url", .string)
            .field("exchange_auth", .string)
            .field("status", .string, .required)
            .field("last_sync_at", .datetime)
            .field("last_error", .string)
            .field("messages_stored", .int, .required)
            .field("import_window_days", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // Adding the same mailbox twice would sync and label everything twice.
            .unique(on: "company_id", "address", name: "mailboxes_address_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mailboxes").delete()
    }
}
