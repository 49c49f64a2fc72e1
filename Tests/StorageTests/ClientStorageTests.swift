import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// Clients: the card, the list's filters, orders and pages, imports, and tenant isolation. Runs
/// on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both, and every
/// expected order here must come out the same on each.
@Suite struct ClientStorageTests {
    @Test func aClientIsStoredWithItsRecordAndTheListColumnsComeFromTheRecord() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let record = world.record("7707083893", name: "Ромашка", region: "77", okved: "62.01", revenue: 12_500_000_000, headcount: 240)
            let created = try await world.clients.create(anna, record: record, origin: .manual)
            #expect(created.name == "Ромашка" && created.inn == "7707083893")
            #expect(created.status == .new && created.enrichment == .notStarted && created.enrichedAt == nil)
            #expect(created.origin == .manual && created.contacts == .none)
            #expect(created.createdAt == world.clock.now())

            let found = try await world.clients.find(created.id, scope: .tenant(anna))
            #expect(found == created, "what create returns is what was stored, record and contacts included")
            let forWorker = try await world.clients.find(created.id, companyID: anna.companyID)
            #expect(forWorker.record == record)

            let page = try await world.clients.list(.tenant(anna), ClientListQuery())
            let summary = try #require(page.clients.first)
            #expect(page.totalCount == 1 && page.clients.count == 1)
            #expect(summary == ClientSummary(id: created.id, inn: "7707083893", name: "Ромашка", status: .new, enrichment: .notStarted,
                                             regionCode: "77", okvedCode: "62.01", revenue: 12_500_000_000, headcount: 240,
                                             createdAt: world.clock.now()))

            // The record's short name is what lists show; without one, the full name, then the INN.
            var unnamed = CompanyRecord(inn: "500100732259")
            unnamed.fullName = Sourced("ИП Иванов Иван Иванович", source: .daData, fetchedAt: world.clock.now())
            let proprietor = try await world.clients.create(anna, record: unnamed, origin: .search)
            #expect(proprietor.name == "ИП Иванов Иван Иванович" && proprietor.origin == .search)
            let bare = try await world.clients.create(anna, record: CompanyRecord(inn: "7702070139"), origin: .manual)
            #expect(bare.name == "7702070139")
        }
    }

    @Test func anINNIsAClientOncePerTenant() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            _ = try await world.client(anna, "7707083893", name: "Ромашка")
            await #expect(throws: StorageError.alreadyExists) {
                _ = try await world.client(anna, "7707083893", name: "Ромашка снова")
            }
            let borisCopy = try await world.client(boris, "7707083893", name: "Ромашка")
            #expect(borisCopy.companyID == boris.companyID, "another tenant may have the same company as a client")
            let annas = try await world.clients.list(.tenant(anna), ClientListQuery())
            #expect(annas.totalCount == 1 && annas.clients.map(\.name) == ["Ромашка"], "the refused duplicate changed nothing")
        }
    }

    @Test func anotherTenantNeitherSeesNorChangesAClientAndThePlatformOnlyReadsTheTenantItNames() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let client = try await world.client(anna, "7707083893", name: "Ромашка", region: "77")
            let borisScope = TenantScope.tenant(boris)

            await #expect(throws: StorageError.notFound) { _ = try await world.clients.find(client.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await world.clients.find(client.id, companyID: boris.companyID) }
            await #expect(throws: StorageError.notFound) { _ = try await world.clients.setStatus(boris, id: client.id, status: .lost) }
            await #expect(throws: StorageError.notFound) { try await world.clients.delete(boris, id: client.id) }
            await #expect(throws: StorageError.notFound) {
                try await world.clients.markEnrichmentFailed(client.id, companyID: boris.companyID, reason: "x")
            }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.clients.storeEnrichment(client.id, companyID: boris.companyID, record: world.record("7707083893", name: "Чужая"),
                                                            contacts: world.contacts(), source: "providers", reason: "1 e-mail", cacheEntry: nil)
            }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.clients.list(borisScope, ClientListQuery(), companyID: anna.companyID)
            }
            try await world.clients.markEnrichmentPending(companyID: boris.companyID, ids: [client.id], reason: "чужой")
            let borisPage = try await world.clients.list(borisScope, ClientListQuery())
            #expect(borisPage.totalCount == 0 && borisPage.clients.isEmpty)
            let borisINNs = try await world.clients.existingINNs(["7707083893"], companyID: boris.companyID)
            #expect(borisINNs.isEmpty)
            let borisCounts = try await world.clients.enrichmentCounts(companyID: boris.companyID, ids: [client.id])
            #expect(borisCounts.values.reduce(0, +) == 0)

            let unchanged = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(unchanged == client, "nothing of the failed attempts happened")

            let platform = TenantScope.platform(userID: UUID())
            let platformPage = try await world.clients.list(platform, ClientListQuery(), companyID: anna.companyID)
            #expect(platformPage.clients.map(\.id) == [client.id])
            let platformCard = try await world.clients.find(client.id, scope: platform)
            #expect(platformCard == client)
            let borisThroughPlatform = try await world.clients.list(platform, ClientListQuery(), companyID: boris.companyID)
            #expect(borisThroughPlatform.totalCount == 0)
            await #expect(throws: StorageError.notFound, "the platform reads one named tenant at a time") {
                _ = try await world.clients.list(platform, ClientListQuery())
            }
            #expect(platform.member == nil, "changes take a TenantMember, which the platform scope cannot produce")
        }
    }

    @Test func textFindsEveryWordOfTheNameInAnyCaseOrTheStartOfTheINN() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let romashka = try await world.client(anna, "7701000001", name: "ООО Ромашка")
            let south = try await world.client(anna, "2301000002", name: "Ромашка-Юг")
            let vasilek = try await world.client(anna, "7701000003", name: "Василёк")
            let soft = try await world.client(anna, "5001000004", name: "Ромашка Плюс Софт")
            _ = try await world.client(anna, "7801000005", name: "Лютик 100%")

            func found(_ text: String) async throws -> Set<UUID> {
                Set(try await world.ids(scope, ClientListQuery(text: text)))
            }
            let anyCase = try await found("РОМАШКА")
            #expect(anyCase == [romashka.id, south.id, soft.id])
            let twoWords = try await found("  софт   ромашка ")
            #expect(twoWords == [soft.id], "every word must appear")
            let yo = try await found("василек")
            #expect(yo == [vasilek.id], "ё is searched as е")
            let innStart = try await found("7701")
            #expect(innStart == [romashka.id, vasilek.id])
            let innMiddle = try await found("0000")
            #expect(innMiddle.isEmpty, "digits alone match the start of the INN, not its middle")
            let wildcard = try await found("%")
            #expect(wildcard.count == 1, "a % in the text is a percent sign, not a wildcard")
            let nothing = try await found("незабудка")
            #expect(nothing.isEmpty)
            let blank = try await found("   ")
            #expect(blank.count == 5, "a blank text filters nothing")
            let counted = try await world.clients.list(scope, ClientListQuery(text: "ромашка", pageSize: 1))
            #expect(counted.totalCount == 3 && counted.clients.count == 1, "the count covers every page")
        }
    }

    @Test func statusEnrichmentRegionAndOKVEDFilterAndCombine() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let a = try await world.client(anna, "7701000001", name: "Альфа", region: "77", okved: "62.01")
            let b = try await world.client(anna, "2301000002", name: "Бета", region: "23", okved: "62.09")
            let c = try await world.client(anna, "7701000003", name: "Вега", region: "77", okved: "63.11")
            let d = try await world.client(anna, "5001000004", name: "Гамма", region: "50", okved: "62.01.1")
            let e = try await world.client(anna, "7801000005", name: "Дельта", region: "78", okved: "62")
            let f = try await world.client(anna, "7801000006", name: "Эпсилон")
            _ = try await world.clients.setStatus(anna, id: b.id, status: .won)
            _ = try await world.clients.setStatus(anna, id: c.id, status: .lost)
            _ = try await world.clients.setStatus(anna, id: d.id, status: .contacted)
            try await world.clients.markEnrichmentFailed(e.id, companyID: anna.companyID, reason: "нет ключа DaData")
            try await world.clients.markEnrichmentPending(companyID: anna.companyID, ids: [a.id, f.id], reason: nil)

            func found(_ query: ClientListQuery) async throws -> Set<UUID> {
                Set(try await world.ids(scope, query))
            }
            let closed = try await found(ClientListQuery(statuses: [.won, .lost]))
            #expect(closed == [b.id, c.id])
            let fresh = try await found(ClientListQuery(statuses: [.new]))
            #expect(fresh == [a.id, e.id, f.id])
            let failed = try await found(ClientListQuery(enrichment: .failed))
            #expect(failed == [e.id])
            let pending = try await found(ClientListQuery(enrichment: .pending))
            #expect(pending == [a.id, f.id])
            let moscow = try await found(ClientListQuery(regionCode: "77"))
            #expect(moscow == [a.id, c.id])
            let division = try await found(ClientListQuery(okvedPrefix: "62"))
            #expect(division == [a.id, b.id, d.id, e.id], "a division finds itself and every code below it")
            let group = try await found(ClientListQuery(okvedPrefix: "62.0"))
            #expect(group == [a.id, b.id, d.id], "a group (one digit after the dot) finds the classes that continue it")
            let onlyClass = try await found(ClientListQuery(okvedPrefix: "62.01"))
            #expect(onlyClass == [a.id, d.id])
            let subclass = try await found(ClientListQuery(okvedPrefix: "62.01.1"))
            #expect(subclass == [d.id])
            let notAPrefixOfDigits = try await found(ClientListQuery(okvedPrefix: "6"))
            #expect(notAPrefixOfDigits.isEmpty, "6 is no OKVED code and is not the start of 62")
            let combined = try await found(ClientListQuery(statuses: [.new, .won], regionCode: "77", okvedPrefix: "62"))
            #expect(combined == [a.id])
            let combinedWithText = try await found(ClientListQuery(text: "бета", statuses: [.won], enrichment: .notStarted, okvedPrefix: "62"))
            #expect(combinedWithText == [b.id])
        }
    }

    @Test func createdAndNameOrdersBreakTiesByID() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let first = try await world.client(anna, "7701000001", name: "Бета")
            world.clock.advance(by: 60)
            let second = try await world.client(anna, "7701000002", name: "альфа")
            world.clock.advance(by: 60)
            // Three imported together: the same creation time, so the id decides among them.
            let batch = try await world.clients.importRecords(
                companyID: anna.companyID,
                [world.record("7701000003", name: "Вега"), world.record("7701000004", name: "Zeta"), world.record("7701000005", name: "Альфа")],
                origin: .search)
            #expect(batch.count == 3)

            let newest = try await world.ids(scope, ClientListQuery())
            #expect(newest == ProspectsWorld.byID(batch, descending: true) + [second.id, first.id], "newest first by default")
            let oldest = try await world.ids(scope, ClientListQuery(sort: .createdAt, descending: false))
            #expect(oldest == [first.id, second.id] + ProspectsWorld.byID(batch))

            // Names in any letter case; equal names by INN (part of the search column), then id.
            let byName = try await world.clients.list(scope, ClientListQuery(sort: .name, descending: false)).clients.map(\.name)
            #expect(byName == ["Zeta", "альфа", "Альфа", "Бета", "Вега"])
            let byNameDescending = try await world.clients.list(scope, ClientListQuery(sort: .name, descending: true)).clients.map(\.name)
            #expect(byNameDescending == ["Вега", "Бета", "Альфа", "альфа", "Zeta"])
        }
    }

    @Test func revenueAndHeadcountPutUnknownValuesLastInBothDirections() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let r300 = try await world.client(anna, "7701000001", name: "A", revenue: 300, headcount: 5)
            let r100 = try await world.client(anna, "7701000002", name: "B", revenue: 100)
            let unknownA = try await world.client(anna, "7701000003", name: "C", headcount: 50)
            let r200 = try await world.client(anna, "7701000004", name: "D", revenue: 200, headcount: 5)
            let unknownB = try await world.client(anna, "7701000005", name: "E")
            let unknown = [unknownA.id, unknownB.id]

            let ascending = try await world.ids(scope, ClientListQuery(sort: .revenue, descending: false))
            #expect(ascending == [r100.id, r200.id, r300.id] + ProspectsWorld.byID(unknown))
            let descending = try await world.ids(scope, ClientListQuery(sort: .revenue, descending: true))
            #expect(descending == [r300.id, r200.id, r100.id] + ProspectsWorld.byID(unknown, descending: true))

            // Equal headcounts fall back to the id, in the sort's direction.
            let fives = ProspectsWorld.byID([r300.id, r200.id])
            let headcountUp = try await world.ids(scope, ClientListQuery(sort: .headcount, descending: false))
            #expect(headcountUp == fives + [unknownA.id] + ProspectsWorld.byID([r100.id, unknownB.id]))
            let headcountDown = try await world.ids(scope, ClientListQuery(sort: .headcount, descending: true))
            let fivesDown = Array(fives.reversed())
            #expect(headcountDown == [unknownA.id] + fivesDown + ProspectsWorld.byID([r100.id, unknownB.id], descending: true))
        }
    }

    @Test func pagesCrossTheKnownAndUnknownValuesAndCountEveryMatch() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let r100 = try await world.client(anna, "7701000001", name: "A", revenue: 100)
            let r200 = try await world.client(anna, "7701000002", name: "B", revenue: 200)
            let r300 = try await world.client(anna, "7701000003", name: "C", revenue: 300)
            let unknownA = try await world.client(anna, "7701000004", name: "D")
            let unknownB = try await world.client(anna, "7701000005", name: "E")
            let unknown = ProspectsWorld.byID([unknownA.id, unknownB.id])

            func page(_ number: Int) async throws -> ClientPage {
                try await world.clients.list(scope, ClientListQuery(sort: .revenue, descending: false, page: number, pageSize: 2))
            }
            let first = try await page(1)
            #expect(first.clients.map(\.id) == [r100.id, r200.id])
            #expect(first.totalCount == 5 && first.pageCount == 3 && first.hasNext && !first.hasPrevious)
            let second = try await page(2)
            #expect(second.clients.map(\.id) == [r300.id, unknown[0]], "a page may start in the known values and end in the unknown ones")
            let third = try await page(3)
            #expect(third.clients.map(\.id) == [unknown[1]])
            #expect(third.totalCount == 5 && !third.hasNext && third.hasPrevious)
            let beyond = try await page(4)
            #expect(beyond.clients.isEmpty && beyond.totalCount == 5)

            // All five were created at the same time: the id orders them, page after page.
            let everyone = ProspectsWorld.byID([r100.id, r200.id, r300.id, unknownA.id, unknownB.id], descending: true)
            let pageOne = try await world.ids(scope, ClientListQuery(page: 1, pageSize: 2))
            let pageTwo = try await world.ids(scope, ClientListQuery(page: 2, pageSize: 2))
            let pageThree = try await world.ids(scope, ClientListQuery(page: 3, pageSize: 2))
            #expect(pageOne + pageTwo + pageThree == everyone, "pages neither skip nor repeat a client")
        }
    }

    @Test func statusSortsByThePipelineThenByID() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let newA = try await world.client(anna, "7701000001", name: "A")
            let won = try await world.client(anna, "7701000002", name: "B")
            let enriched = try await world.client(anna, "7701000003", name: "C")
            let newB = try await world.client(anna, "7701000004", name: "D")
            let contacted = try await world.client(anna, "7701000005", name: "E")
            _ = try await world.clients.setStatus(anna, id: won.id, status: .won)
            _ = try await world.clients.setStatus(anna, id: enriched.id, status: .enriched)
            let moved = try await world.clients.setStatus(anna, id: contacted.id, status: .contacted)
            #expect(moved.status == .contacted)

            let forward = try await world.ids(scope, ClientListQuery(sort: .status, descending: false))
            #expect(forward == ProspectsWorld.byID([newA.id, newB.id]) + [enriched.id, contacted.id, won.id])
            let backward = try await world.ids(scope, ClientListQuery(sort: .status, descending: true))
            #expect(backward == [won.id, contacted.id, enriched.id] + ProspectsWorld.byID([newA.id, newB.id], descending: true))
            let secondPage = try await world.clients.list(scope, ClientListQuery(sort: .status, descending: false, page: 2, pageSize: 2))
            #expect(secondPage.clients.map(\.id) == [enriched.id, contacted.id] && secondPage.totalCount == 5)
            let onlyOpen = try await world.clients.list(scope, ClientListQuery(statuses: [.won, .enriched], sort: .status))
            #expect(onlyOpen.clients.map(\.id) == [won.id, enriched.id] && onlyOpen.totalCount == 2)
        }
    }

    @Test func importSkipsTheTenantsINNsAndRepeatsAndReturnsTheNewIDsInOrder() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let existing = try await world.client(anna, "7701000001", name: "Уже клиент")
            _ = try await world.client(boris, "7701000002", name: "Клиент Бориса")
            let records = [
                world.record("7701000001", name: "Уже клиент (из поиска)"),
                world.record("7701000002", name: "Новый"),
                world.record("7701000003", name: "Новый второй", revenue: 5),
                world.record("7701000002", name: "Повтор в выдаче"),
            ]
            let created = try await world.clients.importRecords(companyID: anna.companyID, records, origin: .search)
            #expect(created.count == 2)
            let page = try await world.clients.list(.tenant(anna), ClientListQuery(sort: .name, descending: false))
            #expect(page.clients.map(\.name) == ["Новый", "Новый второй", "Уже клиент"])
            let firstNew = try await world.clients.find(created[0], companyID: anna.companyID)
            #expect(firstNew.inn == "7701000002" && firstNew.origin == .search && firstNew.status == .new)
            let secondNew = try await world.clients.find(created[1], companyID: anna.companyID)
            #expect(secondNew.inn == "7701000003" && secondNew.record.revenue?.value.roubles == 5)
            let untouched = try await world.clients.find(existing.id, scope: .tenant(anna))
            #expect(untouched.name == "Уже клиент", "an existing client is not overwritten by an import")

            let again = try await world.clients.importRecords(companyID: anna.companyID, records, origin: .search)
            #expect(again.isEmpty, "importing the same results again adds nothing")
            let nothing = try await world.clients.importRecords(companyID: anna.companyID, [], origin: .search)
            #expect(nothing.isEmpty)
            let borisPage = try await world.clients.list(.tenant(boris), ClientListQuery())
            #expect(borisPage.totalCount == 1, "another tenant's clients are not touched")
        }
    }

    @Test func aLargeImportGoesInSeveralStatementsAndTheLookupsChunkToo() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let inns = (0..<1_201).map { String(7_700_000_000 + $0) }
            _ = try await world.client(anna, inns[700], name: "Уже клиент")
            let records = inns.map { world.record($0, name: "Компания \($0)", region: "77", revenue: Int64($0.suffix(3))) }
            let created = try await world.clients.importRecords(companyID: anna.companyID, records, origin: .search)
            #expect(created.count == 1_200)
            #expect(Set(created).count == 1_200)
            let known = try await world.clients.existingINNs(inns + ["7800000000"], companyID: anna.companyID)
            #expect(known == Set(inns))
            let page = try await world.clients.list(.tenant(anna), ClientListQuery(regionCode: "77", sort: .revenue, descending: true, page: 3, pageSize: 200))
            #expect(page.totalCount == 1_200 && page.clients.count == 200)
            let revenues = page.clients.compactMap(\.revenue)
            #expect(revenues.count == 200 && revenues == revenues.sorted(by: >))
        }
    }

    @Test func removingAClientTakesItsNotesAndKeepsItsCharges() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            _ = try await world.notes.add(anna, clientID: client.id, body: "Перезвонить в понедельник")
            let charge = try await world.clients.storeEnrichment(
                client.id, companyID: anna.companyID, record: world.record("7707083893", name: "Ромашка"), contacts: world.contacts(),
                source: "providers", reason: "1 e-mail", cacheEntry: nil)
            #expect(charge != nil)

            try await world.clients.delete(anna, id: client.id)
            await #expect(throws: StorageError.notFound) { _ = try await world.clients.find(client.id, scope: .tenant(anna)) }
            let notes = try await db.sql.raw("SELECT COUNT(*) AS n FROM client_notes").first()?.decode(column: "n", as: Int.self)
            #expect(notes == 0)
            let quota = try await world.quotas.quota(companyID: anna.companyID)
            #expect(quota.used == 1, "the month's usage does not shrink when a client goes")
            let charges = try await world.quotas.charges(.tenant(anna), period: quota.period)
            #expect(charges.map(\.clientID) == [nil] && charges.map(\.inn) == ["7707083893"])
            await #expect(throws: StorageError.notFound) { try await world.clients.delete(anna, id: client.id) }
        }
    }

    @Test func aRemovedClientIsDismissedUntilAPersonTakesItBackAndOnlyForItsTenant() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@vasilyok.ru", company: "Василёк")
            let gone = try await world.client(anna, "7701000001", name: "Удалённый")
            _ = try await world.client(anna, "7701000002", name: "Оставленный")
            let inns = ["7701000001", "7701000002", "7701000003"]
            let before = try await world.clients.dismissedINNs(inns, companyID: anna.companyID)
            #expect(before.isEmpty)

            try await world.clients.delete(anna, id: gone.id)
            let dismissed = try await world.clients.dismissedINNs(inns, companyID: anna.companyID)
            #expect(dismissed == ["7701000001"])
            let borisDismissed = try await world.clients.dismissedINNs(inns, companyID: boris.companyID)
            #expect(borisDismissed.isEmpty, "a dismissal is the tenant's own")

            // A scheduled import leaves the dismissed company out; another tenant's import does not.
            let records = inns.map { world.record($0, name: "Компания \($0)") }
            let scheduled = try await world.clients.importRecords(companyID: anna.companyID, records, origin: .search, leavingOutDismissed: true)
            #expect(scheduled.count == 1)
            let annaINNs = try await world.clients.existingINNs(inns, companyID: anna.companyID)
            #expect(annaINNs == ["7701000002", "7701000003"])
            let borisImport = try await world.clients.importRecords(companyID: boris.companyID, records, origin: .search, leavingOutDismissed: true)
            #expect(borisImport.count == 3)
            let stillDismissed = try await world.clients.dismissedINNs(inns, companyID: anna.companyID)
            #expect(stillDismissed == ["7701000001"], "a scheduled import does not take a dismissal back")

            // A person importing it takes it back.
            let picked = try await world.clients.importRecords(companyID: anna.companyID, records, origin: .search)
            #expect(picked.count == 1)
            let afterPick = try await world.clients.dismissedINNs(inns, companyID: anna.companyID)
            #expect(afterPick.isEmpty)

            // Removed again: dismissed again; adding it by hand takes it back too.
            let found = try await world.clients.list(.tenant(anna), ClientListQuery(text: "7701000001"))
            let again = try #require(found.clients.first)
            try await world.clients.delete(anna, id: again.id)
            let rows = try await db.sql.raw("SELECT COUNT(*) AS n FROM dismissed_companies").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 1)
            _ = try await world.client(anna, "7701000001", name: "Снова клиент")
            let afterCreate = try await world.clients.dismissedINNs(inns, companyID: anna.companyID)
            #expect(afterCreate.isEmpty)
        }
    }
}
