import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// The cross-tenant company cache. Runs on the engine `SMARTYSALES_TEST_DATABASE` names:
/// `scripts/test` runs it on both.
@Suite struct CompanyCacheStorageTests {
    @Test func anEntryIsStoredReadAndReplacedByNewerData() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let missing = try await world.cache.find(inn: "7707083893")
            #expect(missing == nil)
            let count0 = try await world.cache.count()
            #expect(count0 == 0)

            let entry = CachedCompany(inn: "7707083893", record: world.record("7707083893", name: "Ромашка", region: "77", okved: "62.01"),
                                      contacts: world.contacts(), fetchedAt: world.clock.now())
            try await world.cache.store(entry)
            let stored = try await world.cache.find(inn: " 7707083893 ")
            #expect(stored == entry, "the record and contacts come back exactly, sources and times included")

            world.clock.advance(by: 3_600)
            var newer = entry
            newer.contacts = world.contacts(email: "sales@romashka.ru", director: "Иванов Иван Иванович")
            newer.fetchedAt = world.clock.now()
            try await world.cache.store(newer)
            let replaced = try await world.cache.find(inn: "7707083893")
            #expect(replaced == newer)

            // A slow lookup that started earlier and finishes last does not undo the newer one.
            try await world.cache.store(entry)
            let kept = try await world.cache.find(inn: "7707083893")
            #expect(kept == newer)
            let count1 = try await world.cache.count()
            #expect(count1 == 1, "one entry per INN")
            #expect(kept?.isFresh(at: world.clock.now(), ttl: CachedCompany.defaultTTL) == true)
        }
    }

    @Test func oneTenantsEnrichmentServesEveryTenant() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let annas = try await world.client(anna, "7707083893", name: "Ромашка")
            let record = world.record("7707083893", name: "Ромашка", region: "77")
            let contacts = world.contacts(director: "Иванов Иван Иванович")
            let entry = CachedCompany(inn: "7707083893", record: record, contacts: contacts, fetchedAt: world.clock.now())
            _ = try await world.clients.storeEnrichment(annas.id, companyID: anna.companyID, record: record, contacts: contacts,
                                                         source: "providers", reason: "1 e-mail, 1 decision maker", cacheEntry: entry)

            // Boris's enrichment of the same company finds it without asking a provider.
            let cached = try await world.cache.find(inn: "7707083893")
            #expect(cached == entry)
            let boriss = try await world.client(boris, "7707083893", name: "Ромашка")
            let fromCache = try #require(cached)
            let charge = try await world.clients.storeEnrichment(boriss.id, companyID: boris.companyID, record: fromCache.record,
                                                                  contacts: fromCache.contacts, source: "cache", reason: "1 e-mail", cacheEntry: nil)
            #expect(charge?.source == "cache", "the tenant is billed for a success even when another tenant paid for the lookup")
            let borisCard = try await world.clients.find(boriss.id, scope: .tenant(boris))
            #expect(borisCard.contacts == contacts && borisCard.enrichment == .succeeded)
            let entries = try await world.cache.count()
            #expect(entries == 1)
        }
    }

    @Test func theCacheHasNoTenantColumnAndNoTenantData() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            _ = try await world.notes.add(anna, clientID: client.id, body: "Секрет: скидка 30% только для нас")
            let entry = CachedCompany(inn: "7707083893", record: world.record("7707083893", name: "Ромашка"), contacts: world.contacts(),
                                      fetchedAt: world.clock.now())
            _ = try await world.clients.storeEnrichment(client.id, companyID: anna.companyID, record: entry.record, contacts: entry.contacts,
                                                         source: "providers", reason: "1 e-mail", cacheEntry: entry)
            await #expect(throws: (any Error).self, "the table must not be able to say which tenant asked") {
                _ = try await db.sql.raw("SELECT company_id FROM company_cache").all()
            }
            let first = try await db.sql.raw("SELECT record_json, contacts_json FROM company_cache").first()
            let row = try #require(first)
            let recordJSON = try row.decode(column: "record_json", as: String.self)
            let contactsJSON = try row.decode(column: "contacts_json", as: String.self)
            let stored = recordJSON + contactsJSON
            #expect(stored.contains("7707083893"))
            #expect(!stored.contains("Секрет") && !stored.contains(anna.companyID.uuidString) && !stored.contains(client.id.uuidString))
        }
    }
}
