import Domain
import FluentKit
import Foundation
import SQLKit

/// Inbound messages found by client, and a message's client found by its sender, both with
/// indexed lookups only (100,000 clients and 100,000 messages a tenant).
///
/// Matched when read, not linked when stored: a client's addresses and domains change with every
/// enrichment and clients come and go, and a link written at store time would go stale with each
/// (re-linking a tenant's whole inbox after every enrichment), while a lookup by an indexed key
/// is always right. So each side keeps what the other looks up by:
///
/// - `inbound_messages.from_domain`: the sender's lower-cased domain (`from_address` is stored
///   lower-cased already). The client card asks, per key of the client, for the newest messages
///   with that domain or that address: one range of `(company_id, from_domain, received_at, id)`
///   or `(company_id, from_address, received_at, id)` each, read backwards and cut at the limit.
/// - `client_mail_keys`: a client's keys (`ClientMailKeys`: its contacts' addresses, and its
///   website's and contacts' domains, never a public mail domain), written with the client. The
///   message card looks its sender's address and domain up in `(company_id, mail_key)`.
struct M0034AddClientMailMatching: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inbound_messages").field("from_domain", .string).update()
        if let sql = database as? any SQLDatabase {
            // The part after the `@` of the addresses that have exactly one and a dot after it,
            // as `ClientMailKeys.domain(ofAddress:)` finds it for new messages.
            let position = sql.dialect.name == "postgresql" ? "strpos(from_address, '@')" : "instr(from_address, '@')"
            try await sql.raw("""
                UPDATE inbound_messages SET from_domain = lower(substr(from_address, \(unsafeRaw: position) + 1))
                WHERE from_address LIKE '%@%.%' AND from_address NOT LIKE '%@%@%'
                """).run()
        }
        try await SchemaIndex.create("inbound_messages_sender_domain_idx", on: "inbound_messages",
                                     columns: ["company_id", "from_domain", "received_at", "id"], in: database)
        try await SchemaIndex.create("inbound_messages_sender_address_idx", on: "inbound_messages",
                                     columns: ["company_id", "from_address", "received_at", "id"], in: database)

        try await database.schema("client_mail_keys")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("client_id", .uuid, .required, .references("clients", "id", onDelete: .cascade))
            // An address (with `@`) or a domain (without).
            .field("mail_key", .string, .required)
            // Each key once per client; doubles as the index a client's keys are replaced by.
            .unique(on: "company_id", "client_id", "mail_key", name: "client_mail_keys_client_uq")
            .create()
        try await SchemaIndex.create("client_mail_keys_key_idx", on: "client_mail_keys", columns: ["company_id", "mail_key"], in: database)
        try await Self.backfillKeys(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("client_mail_keys").delete()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP INDEX inbound_messages_sender_address_idx").run()
            try await sql.raw("DROP INDEX inbound_messages_sender_domain_idx").run()
        }
        try await database.schema("inbound_messages").deleteField("from_domain").update()
    }

    /// The keys of the clients that exist already, a page of clients at a time.
    private static func backfillKeys(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        var after: UUID?
        while true {
            var statement: SQLQueryString = "SELECT id, company_id, record_json, contacts_json FROM clients"
            if let after { statement += " WHERE id > \(bind: after)" }
            statement += " ORDER BY id LIMIT 1000"
            let rows = try await sql.raw(statement).all()
            guard !rows.isEmpty else { return }
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                after = id
                let company = try row.decode(column: "company_id", as: UUID.self)
                // A row that does not decode has no keys; the card reading it reports it.
                guard let record = try? ProspectJSON.decode(CompanyRecord.self, from: try row.decode(column: "record_json", as: String.self),
                                                            column: "clients.record_json"),
                      let contacts = try? ProspectJSON.decode(ClientContacts.self, from: try row.decode(column: "contacts_json", as: String.self),
                                                              column: "clients.contacts_json") else { continue }
                try await ClientMailKeyRows.replace(clientID: id, companyID: company, keys: ClientMailKeys(record: record, contacts: contacts), on: sql)
            }
        }
    }
}
