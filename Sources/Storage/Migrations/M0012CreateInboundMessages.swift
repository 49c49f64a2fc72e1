import FluentKit

struct M0012CreateInboundMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inbound_messages")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            // Nullable: removing a mailbox may keep its messages.
            .field("mailbox_id", .uuid, .references("mailboxes", "id", onDelete: .setNull))
            .field("provider_item_id", .string, .required)
            .field("message_id", .string)
            // JSON arrays of message ids (no brackets).
            .field("in_reply_to", .string, .required)
            .field("reference_ids", .string, .required)
            .field("from_address", .string, .required)
            .field("from_name", .string)
            .field("to_addresses", .string, .required)
            .field("subject", .string, .required)
            .field("snippet", .string, .required)
            // Lower-cased sender and subject: SQLite's LIKE folds ASCII only, so case-insensitive
            // search in Cyrillic compares against this column with a lower-cased pattern.
            .field("search_text", .string, .required)
            .field("received_at", .datetime, .required)
            .field("stored_at", .datetime, .required)
            // The same server item is stored once per mailbox (also after a UIDVALIDITY reset:
            // the Message-ID constraint below catches the renumbered copy).
            .unique(on: "company_id", "mailbox_id", "provider_item_id", name: "inbound_messages_item_uq")
            // The same Message-ID is stored once per tenant, whichever mailbox saw it first. Both
            // engines treat NULLs in a unique index as distinct, so messages without a Message-ID
            // never collide: no partial index is needed.
            .unique(on: "company_id", "message_id", name: "inbound_messages_message_id_uq")
            .create()
        // The inbox list: newest first within a tenant, optionally within one mailbox. Both
        // engines scan an ascending index backwards for `ORDER BY … DESC`. The two unique
        // constraints above double as the (company_id, mailbox_id) and (company_id, message_id) indexes.
        try await SchemaIndex.create("inbound_messages_company_time_idx", on: "inbound_messages", columns: ["company_id", "received_at"], in: database)
        try await SchemaIndex.create("inbound_messages_mailbox_time_idx", on: "inbound_messages", columns: ["company_id", "mailbox_id", "received_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inbound_messages").delete()
    }
}
