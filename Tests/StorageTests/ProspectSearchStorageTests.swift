import Domain
import Foundation
@testable import Storage
import TestSupport
import Testing

/// Discovery's storage: saved searches, runs with the search job's cursor, results stored once
/// per INN and marked as clients when read, imports, and tenant isolation. Runs on the engine
/// `SMARTYSALES_TEST_DATABASE` names, like every storage test.
@Suite struct ProspectSearchStorageTests {
    static let criteria = ProspectSearchCriteria(
        okvedCodes: ["62.01", "62.02"], includeSubtrees: false, regionCodes: ["77", "50"], revenueMin: 1_000_000, revenueMax: 500_000_000,
        headcountMin: 10, headcountMax: nil, activeOnly: true)

    static func found(_ record: CompanyRecord, okved: String? = "62.01", region: String? = "77") -> ProspectSearchRepository.Found {
        ProspectSearchRepository.Found(record: record, matchedOKVED: okved, matchedRegion: region)
    }

    static func progress(_ queries: Int, _ page: Int) -> ProspectSearchRepository.Progress {
        ProspectSearchRepository.Progress(queriesDone: queries, nextPage: page)
    }

    // MARK: Saved searches

    @Test func aSavedSearchKeepsItsCriteriaAndSchedule() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let saved = try await world.searches.saveSearch(anna, name: "  ИТ в Москве  ", criteria: Self.criteria, repeatEveryDays: 7)
            #expect(saved.name == "ИТ в Москве", "the name is trimmed")
            #expect(saved.criteria == Self.criteria)
            #expect(saved.repeatEveryDays == 7 && saved.isScheduled)
            #expect(saved.lastRunAt == nil && saved.lastRunID == nil)
            #expect(saved.createdAt == world.clock.now())

            world.clock.advance(by: 60)
            let oneOff = try await world.searches.saveSearch(anna, name: "Разово", criteria: ProspectSearchCriteria(okvedCodes: ["47"]), repeatEveryDays: nil)
            #expect(!oneOff.isScheduled)
            let listed = try await world.searches.searches(.tenant(anna))
            #expect(listed.map(\.id) == [oneOff.id, saved.id], "newest first")
            let found = try await world.searches.findSearch(saved.id, scope: .tenant(anna))
            #expect(found == saved, "what was saved reads back, criteria included")

            await #expect(throws: FieldErrors(["name": "validation_required"])) {
                _ = try await world.searches.saveSearch(anna, name: "   ", criteria: Self.criteria, repeatEveryDays: nil)
            }
            await #expect(throws: FieldErrors(["repeat_days": "validation_prospects_repeat_days"])) {
                _ = try await world.searches.saveSearch(anna, name: "Каждый год и день", criteria: Self.criteria, repeatEveryDays: 366)
            }
            await #expect(throws: FieldErrors(["name": "validation_too_long"])) {
                _ = try await world.searches.saveSearch(anna, name: String(repeating: "я", count: 201), criteria: Self.criteria, repeatEveryDays: nil)
            }
            let afterRefusals = try await world.searches.searches(.tenant(anna))
            #expect(afterRefusals.count == 2, "refused searches were not stored")
        }
    }

    // MARK: Runs and results

    @Test func aRunStoresEachINNOnceAndMovesItsCursorWithThePage() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let run = try await world.searches.createRun(anna, criteria: Self.criteria, searchID: nil)
            #expect(run.status == .queued && !run.isScheduled && run.searchID == nil)
            #expect(run.queriesTotal == 0 && run.queriesDone == 0 && run.nextPage == 1 && run.found == 0 && run.imported == 0)
            #expect(run.criteria == Self.criteria)

            let started = try await world.searches.startRun(run.id, companyID: anna.companyID, queriesTotal: 4)
            #expect(started.status == .running && started.queriesTotal == 4)

            // A page with a repeat inside it: each INN once.
            let soft = world.record("7712345671", name: "Ромашка Софт", region: "77", okved: "62.01", revenue: 120_000_000, headcount: 45)
            var bare = CompanyRecord(inn: "7736207543")
            bare.shortName = Sourced("ООО \"ЯНДЕКС\"", source: .checko, fetchedAt: world.clock.now())
            let first = try await world.searches.addResults([Self.found(soft), Self.found(bare, okved: "62.02"), Self.found(soft)],
                                                            runID: run.id, companyID: anna.companyID, progress: Self.progress(0, 2))
            #expect(first.found == 2)
            #expect(first.queriesDone == 0 && first.nextPage == 2, "the cursor moved with the page")

            // The same page stored again (a retried job) and a new company: only the new one counts.
            let lyutik = world.record("7709876545", name: "Лютик", region: "50", okved: "62.02")
            let again = try await world.searches.addResults([Self.found(bare), Self.found(soft), Self.found(lyutik, region: "50")],
                                                            runID: run.id, companyID: anna.companyID, progress: Self.progress(1, 1))
            #expect(again.found == 3)
            #expect(again.queriesDone == 1 && again.nextPage == 1)

            let page = try await world.searches.results(.tenant(anna), runID: run.id)
            #expect(page.totalCount == 3 && page.clientCount == 0)
            #expect(page.results.map(\.inn) == ["7712345671", "7736207543", "7709876545"], "in the order found")
            let romashka = try #require(page.results.first)
            #expect(romashka.name == "Ромашка Софт" && romashka.regionCode == "77" && romashka.okvedCode == "62.01")
            #expect(romashka.revenue == 120_000_000 && romashka.headcount == 45 && romashka.companyStatus == .active)
            #expect(!romashka.isClient && romashka.runID == run.id)
            let yandex = page.results[1]
            #expect(yandex.okvedCode == "62.02" && yandex.regionCode == "77", "without them in the record, the query's code and region")
            #expect(yandex.revenue == nil && yandex.headcount == nil && yandex.companyStatus == nil)

            // Pages of the results.
            let second = try await world.searches.results(.tenant(anna), runID: run.id, page: 2, pageSize: 2)
            #expect(second.results.map(\.inn) == ["7709876545"])
            #expect(second.pageCount == 2 && second.hasPrevious && !second.hasNext)

            let finished = try await world.searches.finishRun(run.id, companyID: anna.companyID)
            #expect(finished.status == .finished && finished.finishedAt == world.clock.now() && finished.error == nil)
            let restarted = try await world.searches.startRun(run.id, companyID: anna.companyID, queriesTotal: 9)
            #expect(restarted.status == .finished && restarted.queriesTotal == 4, "a run that ended is not started again")

            let other = try await world.searches.createRun(anna, criteria: Self.criteria, searchID: nil)
            let failed = try await world.searches.failRun(other.id, companyID: anna.companyID, reason: String(repeating: "x", count: 3_000))
            #expect(failed.status == .failed && failed.error?.count == ProspectSearchRun.maximumErrorLength)
            let recent = try await world.searches.recentRuns(.tenant(anna))
            #expect(Set(recent.map(\.id)) == [run.id, other.id])
        }
    }

    @Test func aRunNeverHoldsMoreThanItsLimit() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let run = try await world.searches.createRun(anna, criteria: Self.criteria, searchID: nil)
            let records = (0..<5).map { world.record("77000000\($0)0", name: "Компания \($0)") }
            let first = try await world.searches.addResults(records.prefix(2).map { Self.found($0) }, runID: run.id, companyID: anna.companyID,
                                                            progress: Self.progress(0, 2), limit: 3)
            #expect(first.found == 2)
            // Known INNs do not take the room of new ones.
            let second = try await world.searches.addResults(records.map { Self.found($0) }, runID: run.id, companyID: anna.companyID,
                                                             progress: Self.progress(0, 3), limit: 3)
            #expect(second.found == 3)
            let inns = try await world.searches.results(.tenant(anna), runID: run.id).results.map(\.inn)
            #expect(inns == records.prefix(3).map(\.inn))
            #expect(!second.reachedResultLimit, "the run's own cap is the product's 5,000")
        }
    }

    @Test func resultsShowWhoIsAClientWhenReadAndImportTheChosenOnes() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let run = try await world.searches.createRun(anna, criteria: Self.criteria, searchID: nil)
            let records = [
                world.record("7712345671", name: "Ромашка Софт", region: "77", okved: "62.01"),
                world.record("7736207543", name: "Яндекс", region: "77", okved: "62.01"),
                world.record("5027123457", name: "Василёк Тех", region: "50", okved: "62.01"),
            ]
            try await world.searches.addResults(records.map { Self.found($0) }, runID: run.id, companyID: anna.companyID, progress: Self.progress(1, 1))
            let existing = try await world.client(anna, "7736207543", name: "Яндекс, добавлен вручную")

            let before = try await world.searches.results(.tenant(anna), runID: run.id)
            #expect(before.clientCount == 1)
            #expect(before.results.map(\.clientID) == [nil, existing.id, nil], "the client added by hand is marked")

            // The ticked rows (another run's id among them is ignored), in the order found.
            let picked = [before.results[2].id, before.results[0].id, UUID()]
            let chosen = try await world.searches.recordsForImport(anna, runID: run.id, resultIDs: picked)
            #expect(chosen.map(\.inn) == ["7712345671", "5027123457"])
            #expect(chosen.first == records.first, "the stored record, as the provider sent it")
            let created = try await world.clients.importRecords(companyID: anna.companyID, chosen, origin: .search)
            try await world.searches.recordImport(anna, runID: run.id, imported: created.count)

            let after = try await world.searches.results(.tenant(anna), runID: run.id)
            #expect(after.clientCount == 3, "imported a moment ago, shown as clients now")
            #expect(after.results[0].clientID == created.first)
            let reread = try await world.searches.findRun(run.id, scope: .tenant(anna))
            #expect(reread.imported == 2)

            let everything = try await world.searches.recordsForImport(anna, runID: run.id, resultIDs: nil)
            #expect(everything.map(\.inn) == records.map(\.inn))
            let none = try await world.clients.importRecords(companyID: anna.companyID, everything, origin: .search)
            #expect(none.isEmpty, "every result is a client now")
        }
    }

    @Test func runsOfASavedSearchAndItsScheduledRuns() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let saved = try await world.searches.saveSearch(anna, name: "ИТ", criteria: Self.criteria, repeatEveryDays: 7)
            world.clock.advance(by: 60)
            let byHand = try await world.searches.createRun(anna, criteria: saved.criteria, searchID: saved.id)
            let stamped = try await world.searches.findSearch(saved.id, scope: .tenant(anna))
            #expect(stamped.lastRunID == byHand.id && stamped.lastRunAt == world.clock.now())
            let noneYet = try await world.searches.unfinishedScheduledRun(searchID: saved.id, companyID: anna.companyID)
            #expect(noneYet == nil, "a run by hand is not the schedule's")

            world.clock.advance(by: 60)
            let scheduled = try await world.searches.createScheduledRun(searchID: saved.id, companyID: anna.companyID)
            #expect(scheduled.isScheduled && scheduled.searchID == saved.id && scheduled.criteria == saved.criteria)
            let unfinished = try await world.searches.unfinishedScheduledRun(searchID: saved.id, companyID: anna.companyID)
            #expect(unfinished?.id == scheduled.id)
            try await world.searches.finishRun(scheduled.id, companyID: anna.companyID)
            let afterFinish = try await world.searches.unfinishedScheduledRun(searchID: saved.id, companyID: anna.companyID)
            #expect(afterFinish == nil)

            // Deleting the search keeps its runs, no longer linked to it.
            try await world.searches.deleteSearch(anna, id: saved.id)
            let remaining = try await world.searches.searches(.tenant(anna))
            #expect(remaining.isEmpty)
            let orphan = try await world.searches.findRun(byHand.id, scope: .tenant(anna))
            #expect(orphan.searchID == nil)
            await #expect(throws: StorageError.notFound) {
                _ = try await world.searches.createScheduledRun(searchID: saved.id, companyID: anna.companyID)
            }
        }
    }

    // MARK: Isolation

    @Test func anotherTenantNeitherSeesNorChangesASearchARunOrItsResults() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let saved = try await world.searches.saveSearch(anna, name: "ИТ", criteria: Self.criteria, repeatEveryDays: nil)
            let run = try await world.searches.createRun(anna, criteria: Self.criteria, searchID: saved.id)
            try await world.searches.addResults([Self.found(world.record("7712345671", name: "Ромашка Софт"))], runID: run.id,
                                                companyID: anna.companyID, progress: Self.progress(1, 1))
            let borisScope = TenantScope.tenant(boris)

            await #expect(throws: StorageError.notFound) { _ = try await world.searches.findSearch(saved.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await world.searches.findRun(run.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await world.searches.results(borisScope, runID: run.id) }
            await #expect(throws: StorageError.notFound) { _ = try await world.searches.recordsForImport(boris, runID: run.id, resultIDs: nil) }
            await #expect(throws: StorageError.notFound) { try await world.searches.recordImport(boris, runID: run.id, imported: 5) }
            await #expect(throws: StorageError.notFound) { try await world.searches.deleteSearch(boris, id: saved.id) }
            await #expect(throws: StorageError.notFound) { _ = try await world.searches.createRun(boris, criteria: Self.criteria, searchID: saved.id) }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.searches.addResults([Self.found(world.record("7736207543", name: "Чужая"))], runID: run.id,
                                                        companyID: boris.companyID, progress: Self.progress(2, 1))
            }
            await #expect(throws: StorageError.notFound) { _ = try await world.searches.failRun(run.id, companyID: boris.companyID, reason: "x") }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.searches.searches(.platform(userID: UUID()))
            }
            let borisSearches = try await world.searches.searches(borisScope)
            #expect(borisSearches.isEmpty)
            let borisRuns = try await world.searches.recentRuns(borisScope)
            #expect(borisRuns.isEmpty)

            // Nothing of the attempts happened.
            let unchanged = try await world.searches.findRun(run.id, scope: .tenant(anna))
            #expect(unchanged.status == .queued && unchanged.found == 1 && unchanged.imported == 0 && unchanged.queriesDone == 1)
            let annas = try await world.searches.searches(.tenant(anna))
            #expect(annas.map(\.id) == [saved.id])
            // The platform scope reads the tenant it names.
            let platform = try await world.searches.searches(.platform(userID: UUID()), companyID: anna.companyID)
            #expect(platform.map(\.id) == [saved.id])
        }
    }

    // MARK: Schedules

    @Test func aNewScheduleWaitsForItsFirstRunTime() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let queue = JobQueue(persistence: db, clock: world.clock)
            let week: TimeInterval = 7 * 24 * 3_600
            try await queue.schedule(key: "prospects.search.x", kind: "prospects.search", every: week, payload: "{}",
                                     firstRunAt: world.clock.now().addingTimeInterval(week))
            let early = try await queue.claim(worker: "w", lease: 60)
            #expect(early == nil, "not due before the first run time")
            world.clock.advance(by: week + 1)
            let due = try await queue.claim(worker: "w", lease: 60)
            #expect(due?.kind == "prospects.search")
        }
    }
}
