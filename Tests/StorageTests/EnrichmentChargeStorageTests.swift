import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// What enrichment writes, and the quota it is charged against: once per client and month, and
/// only for a success. Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs
/// it on both.
@Suite struct EnrichmentChargeStorageTests {
    static func enrich(_ world: ProspectsWorld, _ client: Client, contacts: ClientContacts, revenue: Int64? = 900,
                       cacheEntry: CachedCompany? = nil) async throws -> EnrichmentCharge? {
        try await world.clients.storeEnrichment(
            client.id, companyID: client.companyID, record: world.record(client.inn, name: "Ромашка Групп", region: "77", revenue: revenue),
            contacts: contacts, source: "providers+web_search", reason: "1 e-mail", cacheEntry: cacheEntry)
    }

    @Test func aSuccessStoresEverythingAndIsChargedOncePerMonth() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            let start = try await world.quotas.quota(companyID: anna.companyID)
            #expect(start == EnrichmentQuota(period: EnrichmentCharge.period(of: world.clock.now()), limit: 1_000, used: 0),
                    "every tenant starts with the default allowance")

            world.clock.advance(by: 60)
            let contacts = world.contacts(email: "sales@romashka.ru", director: "Иванов Иван Иванович")
            let charged = try await Self.enrich(world, client, contacts: contacts)
            let charge = try #require(charged)
            #expect(charge.clientID == client.id && charge.inn == "7707083893" && charge.clientName == "Ромашка Групп")
            #expect(charge.period == EnrichmentCharge.period(of: world.clock.now()) && charge.chargedAt == world.clock.now())
            #expect(charge.source == "providers+web_search" && charge.reason == "1 e-mail")

            let enriched = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(enriched.status == .enriched && enriched.enrichment == .succeeded && enriched.enrichmentError == nil)
            #expect(enriched.contacts == contacts)
            #expect(enriched.name == "Ромашка Групп" && enriched.record.revenue?.value.roubles == 900)
            #expect(enriched.enrichedAt == world.clock.now() && enriched.updatedAt == world.clock.now())
            let listed = try await world.clients.list(.tenant(anna), ClientListQuery(text: "групп"))
            #expect(listed.clients.map(\.revenue) == [900], "the list columns follow the new record")

            // The same month again (a re-run job, or a second enrichment): stored, not charged.
            world.clock.advance(by: 3_600)
            let again = try await Self.enrich(world, client, contacts: contacts, revenue: 950)
            #expect(again == nil)
            let reenriched = try await world.clients.find(client.id, companyID: anna.companyID)
            #expect(reenriched.record.revenue?.value.roubles == 950 && reenriched.enrichedAt == world.clock.now())
            let thisMonth = try await world.quotas.quota(companyID: anna.companyID)
            #expect(thisMonth.used == 1 && thisMonth.remaining == 999)

            // Next month the allowance starts again, and a success counts again.
            let previousPeriod = thisMonth.period
            world.clock.advance(by: 32 * 24 * 3_600)
            let nextMonth = try await Self.enrich(world, client, contacts: contacts)
            #expect(nextMonth?.period == EnrichmentCharge.period(of: world.clock.now()))
            #expect(nextMonth?.period != previousPeriod)
            let now = try await world.quotas.quota(companyID: anna.companyID)
            #expect(now.used == 1 && now.period != previousPeriod)
            let then = try await world.quotas.quota(companyID: anna.companyID, at: charge.chargedAt)
            #expect(then.used == 1 && then.period == previousPeriod)
        }
    }

    @Test func emptyContactsAreStoredButNeverCharged() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            let websiteOnly = world.contacts(email: nil)
            #expect(!websiteOnly.hasVerifiedContact)
            let charge = try await Self.enrich(world, client, contacts: websiteOnly)
            #expect(charge == nil)
            let stored = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(stored.enrichment == .empty && stored.status == .new, "an empty result does not move the client along")
            #expect(stored.contacts.website?.value == "https://romashka.ru")
            let quota = try await world.quotas.quota(companyID: anna.companyID)
            #expect(quota.used == 0)
            let charges = try await world.quotas.charges(.tenant(anna), period: quota.period)
            #expect(charges.isEmpty)
        }
    }

    @Test func aClientFurtherAlongKeepsItsStatus() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            let contacted = try await world.clients.setStatus(anna, id: client.id, status: .contacted)
            let charge = try await Self.enrich(world, contacted, contacts: world.contacts())
            #expect(charge != nil)
            let stored = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(stored.status == .contacted && stored.enrichment == .succeeded)
        }
    }

    @Test func aFailureKeepsWhatTheClientHadAndSaysWhy() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            _ = try await Self.enrich(world, client, contacts: world.contacts())
            let before = try await world.clients.find(client.id, scope: .tenant(anna))

            world.clock.advance(by: 60)
            let reason = "DaData: ключ отклонён. " + String(repeating: "подробности ", count: 400)
            try await world.clients.markEnrichmentFailed(client.id, companyID: anna.companyID, reason: reason)
            let after = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(after.enrichment == .failed)
            #expect(after.enrichmentError == String(reason.prefix(2_000)) && after.enrichmentError?.count == 2_000)
            #expect(after.record == before.record && after.contacts == before.contacts && after.name == before.name)
            #expect(after.status == before.status && after.enrichedAt == before.enrichedAt)
            #expect(after.updatedAt == world.clock.now())
            let quota = try await world.quotas.quota(companyID: anna.companyID)
            #expect(quota.used == 1, "a failure charges nothing")
        }
    }

    @Test func pendingRunsAreCountedForProgress() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let ids = try await world.clients.importRecords(
                companyID: anna.companyID, (1...4).map { world.record("770100000\($0)", name: "Компания \($0)") }, origin: .search)
            let untouched = try await world.client(anna, "7801000009", name: "Вне запуска")
            try await world.clients.markEnrichmentPending(companyID: anna.companyID, ids: ids, reason: nil)
            let waiting = try await world.clients.find(ids[0], companyID: anna.companyID)
            #expect(waiting.enrichment == .pending && waiting.enrichmentError == nil)

            let first = try await world.clients.find(ids[0], companyID: anna.companyID)
            _ = try await Self.enrich(world, first, contacts: world.contacts())
            let second = try await world.clients.find(ids[1], companyID: anna.companyID)
            _ = try await Self.enrich(world, second, contacts: world.contacts(email: nil))
            try await world.clients.markEnrichmentFailed(ids[2], companyID: anna.companyID, reason: "нет ответа")
            try await world.clients.markEnrichmentPending(companyID: anna.companyID, ids: [ids[3]], reason: "DaData недоступна, повтор через 5 минут")
            let retrying = try await world.clients.find(ids[3], companyID: anna.companyID)
            #expect(retrying.enrichmentError == "DaData недоступна, повтор через 5 минут")

            let run = try await world.clients.enrichmentCounts(companyID: anna.companyID, ids: ids)
            #expect(run == [.notStarted: 0, .pending: 1, .succeeded: 1, .empty: 1, .failed: 1])
            let tenant = try await world.clients.enrichmentCounts(companyID: anna.companyID, ids: nil)
            #expect(tenant[.notStarted] == 1 && tenant.values.reduce(0, +) == 5)
            let none = try await world.clients.enrichmentCounts(companyID: anna.companyID, ids: [])
            #expect(none.values.reduce(0, +) == 0)
            let outside = try await world.clients.find(untouched.id, scope: .tenant(anna))
            #expect(outside.enrichment == .notStarted)
        }
    }

    @Test func chargesAreListedNewestFirstForTheirTenantOnly() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let first = try await world.client(anna, "7701000001", name: "Первый")
            let second = try await world.client(anna, "7701000002", name: "Второй")
            let borisClient = try await world.client(boris, "7701000001", name: "Первый")
            _ = try await Self.enrich(world, first, contacts: world.contacts())
            world.clock.advance(by: 60)
            _ = try await Self.enrich(world, second, contacts: world.contacts())
            _ = try await Self.enrich(world, borisClient, contacts: world.contacts())
            let period = EnrichmentCharge.period(of: world.clock.now())

            let annas = try await world.quotas.charges(.tenant(anna), period: period)
            #expect(annas.map(\.clientID) == [second.id, first.id])
            let limited = try await world.quotas.charges(.tenant(anna), period: period, limit: 1)
            #expect(limited.map(\.clientID) == [second.id])
            let otherMonth = try await world.quotas.charges(.tenant(anna), period: "2001-01")
            #expect(otherMonth.isEmpty)
            let borisCharges = try await world.quotas.charges(.tenant(boris), period: period)
            #expect(borisCharges.map(\.clientID) == [borisClient.id])
            await #expect(throws: StorageError.notFound) {
                _ = try await world.quotas.charges(.tenant(boris), period: period, companyID: anna.companyID)
            }
            let platform = TenantScope.platform(userID: UUID())
            let throughPlatform = try await world.quotas.charges(platform, period: period, companyID: anna.companyID)
            #expect(throughPlatform == annas)
            await #expect(throws: StorageError.notFound) { _ = try await world.quotas.charges(platform, period: period) }
            let annaQuota = try await world.quotas.quota(companyID: anna.companyID)
            let borisQuota = try await world.quotas.quota(companyID: boris.companyID)
            #expect(annaQuota.used == 2 && borisQuota.used == 1)
        }
    }

    @Test func theMonthlyLimitIsTheTenantsOwn() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            try await world.quotas.setMonthlyLimit(companyID: anna.companyID, limit: 1)
            let client = try await world.client(anna, "7701000001", name: "Первый")
            _ = try await Self.enrich(world, client, contacts: world.contacts())
            let annas = try await world.quotas.quota(companyID: anna.companyID)
            #expect(annas.limit == 1 && annas.used == 1 && annas.isExhausted && annas.remaining == 0)
            let boriss = try await world.quotas.quota(companyID: boris.companyID)
            #expect(boriss.limit == EnrichmentQuota.defaultMonthlyLimit && !boriss.isExhausted)
            try await world.quotas.setMonthlyLimit(companyID: anna.companyID, limit: -5)
            let clamped = try await world.quotas.quota(companyID: anna.companyID)
            #expect(clamped.limit == 0)
            await #expect(throws: StorageError.notFound) { try await world.quotas.setMonthlyLimit(companyID: UUID(), limit: 10) }
            await #expect(throws: StorageError.notFound) { _ = try await world.quotas.quota(companyID: UUID()) }
        }
    }

    @Test func twoWorkersFinishingTogetherChargeOnce() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            // Two workers finishing the same client at once both reach the INSERT: the unique
            // index, not a prior SELECT, decides, so only one charge exists afterwards.
            async let one = Self.enrich(world, client, contacts: world.contacts())
            async let two = Self.enrich(world, client, contacts: world.contacts())
            let results = try await [one, two]
            #expect(results.compactMap { $0 }.count == 1)
            let rows = try await db.sql.raw("SELECT COUNT(*) AS n FROM enrichment_charges").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 1)
        }
    }
}
