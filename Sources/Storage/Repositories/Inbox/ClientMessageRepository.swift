import Domain
import Foundation
import SQLKit

/// The client a message's sender belongs to, as the message card shows it.
public struct SenderClient: Sendable, Equatable {
    public let id: UUID
    public let name: String

    public init(id: UUID, name: String) {
        self.id = id
        self.name = name
    }
}

/// Inbound messages and clients matched by the sender: the messages on a client card, the
/// client on a message card. Matched when read, by indexed keys (`M0034AddClientMailMatching`
/// says why): a sender matches a client by its exact address being one of the client's contact
/// addresses, or by its domain being one of the client's own domains (`ClientMailKeys`, which
/// never holds a public mail domain). Every statement filters by the tenant of the client or
/// message given, which the caller read with its scope.
public struct ClientMessageRepository: Sendable {
    let persistence: Persistence

    public init(persistence: Persistence) {
        self.persistence = persistence
    }

    /// The most messages a card asks for.
    public static let maximumLimit = 100

    /// The client's newest `limit` messages, newest first, each with its verdict. One query per
    /// key of the client (at most ``ClientMailKeys/maximumPerKind`` of each kind), each a range
    /// of an index read backwards and cut at `limit`; the results are merged here.
    public func messages(from client: Client, limit: Int = 20) async throws -> [InboxEntry] {
        let keys = ClientMailKeys(record: client.record, contacts: client.contacts)
        let pageSize = min(max(limit, 1), Self.maximumLimit)
        let lookups = keys.domains.map { ("m.from_domain", $0) } + keys.addressesOutsideDomains.map { ("m.from_address", $0) }
        var found: [UUID: InboxEntry] = [:]
        for (column, value) in lookups {
            let rows = try await persistence.sql.raw("""
                SELECT \(InboundMessageRepository.entryColumns)
                FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
                WHERE m.company_id = \(bind: client.companyID) AND \(unsafeRaw: column) = \(bind: value)
                ORDER BY m.received_at DESC, m.id DESC LIMIT \(literal: pageSize)
                """).all()
            for row in rows {
                let entry = try InboundMessageRepository.entry(from: row)
                found[entry.message.id] = entry
            }
        }
        let newestFirst = found.values.sorted {
            ($0.message.receivedAt, $0.message.id.uuidString) > ($1.message.receivedAt, $1.message.id.uuidString)
        }
        return Array(newestFirst.prefix(pageSize))
    }

    /// The one client the message's sender belongs to, or nil when none or several match. The
    /// exact address decides first (a contact's own address says more than a shared domain):
    /// one client with it is the answer, several are ambiguous; only when no client has the
    /// address does the domain decide, the same way. A public mail domain is never looked up.
    public func client(ofSender message: InboundMessage) async throws -> SenderClient? {
        guard let address = ClientMailKeys.address(message.fromAddress) else { return nil }
        let byAddress = try await clients(withKey: address, companyID: message.companyID)
        if !byAddress.isEmpty { return byAddress.count == 1 ? byAddress[0] : nil }
        guard let domain = ClientMailKeys.domain(ofAddress: address), !PublicMailDomains.contains(domain) else { return nil }
        let byDomain = try await clients(withKey: domain, companyID: message.companyID)
        return byDomain.count == 1 ? byDomain[0] : nil
    }

    /// Up to two clients with the key: enough to tell one from several.
    private func clients(withKey key: String, companyID: UUID) async throws -> [SenderClient] {
        try await persistence.sql.raw("""
            SELECT c.id AS id, c.name AS name
            FROM client_mail_keys k JOIN clients c ON c.id = k.client_id AND c.company_id = k.company_id
            WHERE k.company_id = \(bind: companyID) AND k.mail_key = \(bind: key)
            LIMIT 2
            """).all().map { SenderClient(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self)) }
    }
}
