import FluentKit

/// Where a rule moved a message (`InboundMessageRepository.recordMove`): the folder, and the
/// message's id there. Both NULL while it is where the sync found it. `provider_item_id` is left
/// as it is on purpose: the sync deduplicates by it, and a moved message's new IMAP id could
/// equal one the synced folder hands out later (UIDVALIDITY is only unique per folder).
struct M0030AddInboundMessageLocation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema("inbound_messages").field("moved_to_folder", .string).update()
        try await database.schema("inbound_messages").field("moved_item_id", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inbound_messages").deleteField("moved_item_id").update()
        try await database.schema("inbound_messages").deleteField("moved_to_folder").update()
    }
}
