import Domain
import Foundation
import SQLKit

/// The `client_mail_keys` rows of clients (see `M0034AddClientMailMatching`): written wherever a
/// client's record or contacts are, on the same connection (inside its transaction).
enum ClientMailKeyRows {
    /// Rows per INSERT: 4 binds each.
    static let insertChunkSize = 200

    /// The client's keys become exactly `keys`.
    static func replace(clientID: UUID, companyID: UUID, keys: ClientMailKeys, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM client_mail_keys WHERE company_id = \(bind: companyID) AND client_id = \(bind: clientID)").run()
        try await insert([(id: clientID, keys: keys)], companyID: companyID, on: sql)
    }

    /// Adds the keys of new clients.
    static func insert(_ clients: [(id: UUID, keys: ClientMailKeys)], companyID: UUID, on sql: any SQLDatabase) async throws {
        let rows = clients.flatMap { client in client.keys.all.map { (client.id, $0) } }
        for chunk in rows.chunked(into: insertChunkSize) {
            let insert = sql.insert(into: "client_mail_keys").columns("id", "company_id", "client_id", "mail_key")
            for (clientID, key) in chunk {
                insert.values([SQLBind(UUID()), SQLBind(companyID), SQLBind(clientID), SQLBind(key)] as [any SQLExpression])
            }
            try await insert.ignoringConflicts(with: ["company_id", "client_id", "mail_key"]).run()
        }
    }
}
