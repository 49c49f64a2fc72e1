import Domain
import FluentKit
import Foundation
import SQLKit

/// Whether enrichment found an e-mail, a phone, a decision maker for a client: the list's
/// "has …" filters. The contacts live in `contacts_json`, which no list query may open at
/// 100,000 clients, so each is kept as a plain column, written with the contacts
/// (`ClientRepository.storeEnrichment`; new clients have none), each with an index that starts
/// with the tenant, like the list's other filters.
struct M0035AddClientContactFlags: AsyncMigration {
    static let columns = ["has_email", "has_phone", "has_decision_maker"]

    func prepare(on database: any Database) async throws {
        for column in Self.columns {
            // A literal default works on both engines and fills the rows that exist already.
            try await database.schema("clients")
                .field(.definition(name: .key(.string(column)), dataType: .bool,
                                   constraints: [.required, .custom(SQLColumnConstraintAlgorithm.default(SQLLiteral.boolean(false)))]))
                .update()
            try await SchemaIndex.create("clients_\(column)_idx", on: "clients", columns: ["company_id", column], in: database)
        }
        try await Self.backfill(on: database)
    }

    func revert(on database: any Database) async throws {
        for column in Self.columns {
            // SQLite refuses to drop an indexed column: the index goes first.
            if let sql = database as? any SQLDatabase {
                try await sql.drop(index: "clients_\(column)_idx").run()
            }
            try await database.schema("clients").deleteField(.string(column)).update()
        }
    }

    /// The flags of the clients that exist already, a page of clients at a time; rows with no
    /// contact at all keep the default.
    static func backfill(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        var after: UUID?
        while true {
            var statement: SQLQueryString = "SELECT id, contacts_json FROM clients"
            if let after { statement += " WHERE id > \(bind: after)" }
            statement += " ORDER BY id LIMIT 1000"
            let rows = try await sql.raw(statement).all()
            guard !rows.isEmpty else { return }
            var byFlags: [ClientContactFlags: [UUID]] = [:]
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                after = id
                // A row that does not decode has no contacts to filter by; the card reports it.
                guard let contacts = try? ProspectJSON.decode(ClientContacts.self, from: try row.decode(column: "contacts_json", as: String.self),
                                                              column: "clients.contacts_json") else { continue }
                let flags = ClientContactFlags(contacts)
                if flags != ClientContactFlags(ClientContacts.none) { byFlags[flags, default: []].append(id) }
            }
            for (flags, ids) in byFlags {
                let values = ids.map { $0 as any Encodable & Sendable }
                try await sql.raw("""
                    UPDATE clients SET has_email = \(bind: flags.hasEmail), has_phone = \(bind: flags.hasPhone),
                        has_decision_maker = \(bind: flags.hasDecisionMaker)
                    WHERE id IN (\(binds: values))
                    """).run()
            }
        }
    }
}
