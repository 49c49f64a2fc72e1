import FluentKit

struct M0016CreateLabelActions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("label_actions")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("message_id", .uuid, .required, .references("inbound_messages", "id", onDelete: .cascade))
            // Kept (as NULL) when the mailbox goes, so the message card still shows what was done.
            .field("mailbox_id", .uuid, .references("mailboxes", "id", onDelete: .setNull))
            .field("kind", .string, .required)
            // The label or folder; empty for mark-as-read.
            .field("label", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("done_at", .datetime)
            // The idempotency key: recording the same action again inserts nothing.
            .unique(on: "message_id", "kind", "label", name: "label_actions_key_uq")
            .create()
        try await SchemaIndex.create("label_actions_mailbox_status_idx", on: "label_actions", columns: ["company_id", "mailbox_id", "status"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("label_actions").delete()
    }
}
