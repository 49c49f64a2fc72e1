import Domain
import FluentKit
import Foundation
import SQLKit

/// The cross-tenant company cache: public data about a company by INN, so a lookup one tenant
/// paid for serves every tenant after it.
///
/// It takes no scope, and that is deliberate: the table has no `company_id`, because what it
/// holds belongs to no tenant. It may hold only public company data — registry records and the
/// public contacts and decision makers enrichment found, each with its source — never notes,
/// templates, message history or anything a tenant typed. Which tenant asked for a company is
/// not recorded either. Workers write it (see also `ClientRepository.storeEnrichment`, which
/// writes it in the enrichment's transaction).
public struct CompanyCacheRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// The entry for this INN, fresh or not (`CachedCompany.isFresh` decides), or nil.
    public func find(inn: String) async throws -> CachedCompany? {
        let key = inn.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let model = try await CompanyCacheModel.find(key, on: persistence.database) else { return nil }
        return CachedCompany(
            inn: try model.requireID(),
            record: try ProspectJSON.decode(CompanyRecord.self, from: model.recordJSON, column: "company_cache.record_json"),
            contacts: try ProspectJSON.decode(ClientContacts.self, from: model.contactsJSON, column: "company_cache.contacts_json"),
            fetchedAt: model.fetchedAt)
    }

    /// Adds the entry, or replaces the stored one for the INN unless that one was fetched later
    /// (a slow lookup finishing last never overwrites newer data).
    public func store(_ entry: CachedCompany) async throws {
        try await Self.upsert(Row(entry, encoder: ProspectJSON.encoder()), now: clock.now(), on: persistence.sql)
    }

    /// Entries in the cache, for the platform's statistics.
    public func count() async throws -> Int {
        try await persistence.sql.raw("SELECT COUNT(*) AS n FROM company_cache").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: Helpers

    /// An entry as stored, encoded before any transaction starts.
    struct Row: Sendable {
        let inn: String
        let recordJSON: String
        let contactsJSON: String
        let fetchedAt: Date

        init(_ entry: CachedCompany, encoder: JSONEncoder) throws {
            inn = entry.inn.trimmingCharacters(in: .whitespacesAndNewlines)
            recordJSON = try ProspectJSON.encode(entry.record, with: encoder)
            contactsJSON = try ProspectJSON.encode(entry.contacts, with: encoder)
            fetchedAt = entry.fetchedAt
        }
    }

    /// `INSERT … ON CONFLICT … DO UPDATE … WHERE`: the same statement on SQLite (3.24 and later)
    /// and PostgreSQL.
    static func upsert(_ row: Row, now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO company_cache (inn, record_json, contacts_json, fetched_at, updated_at)
            VALUES (\(bind: row.inn), \(bind: row.recordJSON), \(bind: row.contactsJSON), \(bind: row.fetchedAt), \(bind: now))
            ON CONFLICT (inn) DO UPDATE SET record_json = excluded.record_json, contacts_json = excluded.contacts_json,
                fetched_at = excluded.fetched_at, updated_at = excluded.updated_at
            WHERE company_cache.fetched_at <= excluded.fetched_at
            """).run()
    }
}
