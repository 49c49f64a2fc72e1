import FluentKit

struct M0011CreateMailboxCheckpoints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mailbox_checkpoints")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("mailbox_id", .uuid, .required, .references("mailboxes", "id", onDelete: .cascade))
            // MailProtocols' MailboxCheckpoint as JSON; only the connector reads it.
            .field("checkpoint", .string, .required)
            .field("updated_at", .datetime, .required)
            // One per mailbox, and the target of the save's ON CONFLICT.
            .unique(on: "mailbox_id", name: "mailbox_checkpoints_mailbox_uq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mailbox_checkpoints").delete()
    }
}
