import CompanyData
import Domain
import Foundation
import Observability
import ProviderFakes
import Storage
import TestSupport
import Testing
@testable import Workers

/// Discovery runs against a real database and the DaData and Checko fakes on loopback: how the
/// criteria become queries and pages, what is kept, live progress, "already a client" marks,
/// the schedule's imports, outages, refusals, and tenants without a provider that can search.
@Suite(.timeLimit(.minutes(2))) struct ProspectDiscoveryTests {
    typealias World = ProspectsWorld

    static let day: TimeInterval = 24 * 3_600
    /// One company a page, so a handful of fake companies make several pages.
    static let onePerPage = ProspectDiscovery.Limits(pageSize: 1)

    /// Two codes in two regions: in the fakes' companies, 62.01 has three active companies in
    /// Moscow (Yandex, Romashka Soft, Tikhaya Gavan; Lyutik is liquidated) and one in the oblast
    /// (Vasilyok Tech); 64.19 has Sberbank in Moscow and nobody in the oblast.
    static let twoByTwo = ProspectSearchCriteria(okvedCodes: ["62.01", "64.19"], includeSubtrees: true, regionCodes: ["77", "50"])
    static let moscowSoftware = ProspectSearchCriteria(okvedCodes: ["62.01"], regionCodes: ["77"])

    /// A valid INN of an organisation: `77`, seven digits of `seed`, the check digit.
    static func inn(_ seed: Int) -> String {
        let body = "77" + String(format: "%07d", seed % 10_000_000)
        let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        let sum = zip(body.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(sum % 11 % 10)
    }

    /// Checko's `/v2/search` answer with these records, as a provider that ignores some of the
    /// filters it was sent would answer.
    static func checkoSearchReply(_ records: [[String: Any]]) throws -> FakeCompanyDataOutcome {
        let reply: [String: Any] = [
            "data": ["ЗапВсего": records.count, "СтрВсего": 1, "СтрТекущ": 1, "Записи": records],
            "meta": ["status": "ok", "message": "", "today_request_count": 1, "balance": 100],
        ]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: reply), as: UTF8.self)
        return .raw(status: 200, body: body)
    }

    static func searchRecord(_ inn: String, _ name: String, status: String = "Действует", headcount: Int? = nil) -> [String: Any] {
        var record: [String: Any] = ["ИНН": inn, "НаимСокр": name, "НаимПолн": name, "Статус": status, "РегионКод": "77", "ОКВЭД": "62.01"]
        if let headcount { record["СЧР"] = headcount }
        return record
    }

    static func start(_ world: World, _ pipeline: ProspectsPipeline, _ member: TenantMember, _ criteria: ProspectSearchCriteria) async throws
        -> ProspectSearchRun {
        let run = try await pipeline.searches.createRun(member, criteria: criteria, searchID: nil)
        try await ProspectSearchJob.enqueue(runID: run.id, companyID: member.companyID, queue: world.queue)
        return run
    }

    /// The Checko search requests for one code, region and page.
    static func requests(_ fakes: ProspectFakes, code: String, region: String, page: Int) -> Int {
        fakes.checko.script.receivedRequests.filter { request in
            request.path == "/v2/search" && request.query["query"] == code && request.query["region"] == region && request.query["page"] == String(page)
        }.count
    }

    // MARK: Runs

    @Test func aRunOverTwoCodesAndTwoRegionsPagesThroughAndStoresWhatItKeeps() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes, discoveryLimits: Self.onePerPage)
                let run = try await Self.start(world, pipeline, anna, Self.twoByTwo)
                let jobRan = try await world.runNextJob(pipeline)
                let job = try #require(jobRan)
                #expect(job.kind == ProspectSearchJob.kind && job.status == .done, "\(job.lastError ?? "")")

                let ended = try await pipeline.searches.findRun(run.id, companyID: anna.companyID)
                #expect(ended.status == .finished && ended.error == nil)
                #expect(ended.queriesTotal == 4 && ended.queriesDone == 4)
                #expect(ended.found == 5 && ended.imported == 0, "a run by hand imports nothing by itself")
                let page = try await pipeline.searches.results(.tenant(anna), runID: run.id)
                #expect(page.results.map(\.inn) == [
                    FakeCompany.yandex.inn, FakeCompany.romashkaSoft.inn, World.quiet.inn, FakeCompany.vasilyokTech.inn, FakeCompany.sberbank.inn,
                ], "each query paged to its end, in order")
                #expect(!page.results.map(\.inn).contains(FakeCompany.lyutik.inn), "the liquidated company is not asked for")
                let vasilyok = try #require(page.results.first { $0.inn == FakeCompany.vasilyokTech.inn })
                #expect(vasilyok.regionCode == "50" && vasilyok.okvedCode == "62.01" && vasilyok.companyStatus == .active)

                // One request per page, nothing asked twice; DaData (no OKVED search) never asked.
                #expect(Self.requests(fakes, code: "62.01", region: "77", page: 1) == 1)
                #expect(Self.requests(fakes, code: "62.01", region: "77", page: 3) == 1)
                #expect(Self.requests(fakes, code: "62.01", region: "77", page: 4) == 0, "the provider said there was no fourth page")
                #expect(Self.requests(fakes, code: "64.19", region: "50", page: 1) == 1)
                #expect(fakes.checko.script.receivedRequests.count == 6)
                #expect(fakes.checko.script.receivedRequests.allSatisfy { $0.query["by"] == "okved" && $0.query["active"] == "true" })
                #expect(fakes.daData.script.receivedRequests.isEmpty)

                // One audit event for the run and one per provider call, none with the key.
                let outcome = try #require(world.audit.of(kind: ProspectDiscovery.auditKind).first)
                #expect(outcome.details["status"] == "finished" && outcome.details["found"] == "5" && outcome.details["queries"] == "4/4")
                #expect(world.audit.of(kind: AuditCompanyDataUsageRecorder.eventKind).count == 6)
                #expect(!world.audit.all.flatMap { $0.details.values }.contains { $0.contains(fakes.checko.apiKey) })
            }
        }
    }

    @Test func activeOnlyAndTheHeadcountRangeFilterWhatTheProviderSends() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes)

                // Without "active only" the liquidated company comes too.
                let all = try await pipeline.searches.createRun(anna, criteria: ProspectSearchCriteria(
                    okvedCodes: ["62.01"], regionCodes: ["77"], activeOnly: false), searchID: nil)
                try await pipeline.discovery.run(runID: all.id, companyID: anna.companyID)
                let everyone = try await pipeline.searches.results(.tenant(anna), runID: all.id).results.map(\.inn)
                #expect(Set(everyone) == [FakeCompany.yandex.inn, FakeCompany.romashkaSoft.inn, FakeCompany.lyutik.inn, World.quiet.inn])
                #expect(fakes.checko.script.receivedRequests.last?.query["active"] == nil)

                // A provider that ignores the filters: the run applies them itself.
                let (fits, small, big, unknown, closed) = (Self.inn(11), Self.inn(12), Self.inn(13), Self.inn(14), Self.inn(15))
                fakes.checko.script.enqueue(try Self.checkoSearchReply([
                    Self.searchRecord(fits, "ООО \"ПОДХОДИТ\"", headcount: 50),
                    Self.searchRecord(small, "ООО \"МАЛО\"", headcount: 5),
                    Self.searchRecord(big, "ООО \"МНОГО\"", headcount: 500),
                    Self.searchRecord(unknown, "ООО \"НЕ РАСКРЫВАЕТ\""),
                    Self.searchRecord(closed, "ООО \"ЗАКРЫТО\"", status: "Ликвидировано", headcount: 50),
                    Self.searchRecord("7700000001", "ООО \"НЕВЕРНЫЙ ИНН\"", headcount: 50),
                ]))
                let filtered = try await pipeline.searches.createRun(anna, criteria: ProspectSearchCriteria(
                    okvedCodes: ["62.01"], regionCodes: ["77"], headcountMin: 10, headcountMax: 100, activeOnly: true), searchID: nil)
                let ended = try await pipeline.discovery.run(runID: filtered.id, companyID: anna.companyID)
                #expect(ended.status == .finished && ended.found == 2)
                let kept = try await pipeline.searches.results(.tenant(anna), runID: filtered.id).results
                #expect(kept.map(\.inn) == [fits], "in range; never outside it, closed or with a wrong INN")
                #expect(kept.first?.headcount == 50)
                let unchecked = try await pipeline.searches.results(.tenant(anna), runID: filtered.id, notChecked: true).results
                #expect(unchecked.map(\.inn) == [unknown], "looked up, unknown to the provider: not checked")
                #expect(ended.lookupsWanted == 1 && ended.lookupsDone == 1)
            }
        }
    }

    // MARK: Figures looked up

    /// Moscow software companies with a revenue between 100 and 200 million roubles: the fake's
    /// search answers carry no revenue; its finances give Yandex 500 billion, Romashka Soft 120
    /// million, and Tikhaya Gavan nothing.
    static let midRevenue = ProspectSearchCriteria(okvedCodes: ["62.01"], regionCodes: ["77"], revenueMin: 100_000_000, revenueMax: 200_000_000)

    static func financeCalls(_ world: World) -> [AuditEvent] {
        world.audit.of(kind: AuditCompanyDataUsageRecorder.eventKind).filter { $0.details["operation"] == "finances" }
    }

    @Test func aRevenueRangeKeepsOnlyCompaniesWhoseLookedUpRevenueIsInside() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes)
                let run = try await pipeline.searches.createRun(anna, criteria: Self.midRevenue, searchID: nil)
                let ended = try await pipeline.discovery.run(runID: run.id, companyID: anna.companyID)
                #expect(ended.status == .finished)

                let checked = try await pipeline.searches.results(.tenant(anna), runID: run.id)
                #expect(checked.results.map(\.inn) == [FakeCompany.romashkaSoft.inn], "Yandex is above the range")
                #expect(checked.results.first?.revenue == 120_000_000, "the latest year's revenue from the finances")
                #expect(checked.notCheckedCount == 1)
                let unchecked = try await pipeline.searches.results(.tenant(anna), runID: run.id, notChecked: true)
                #expect(unchecked.results.map(\.inn) == [World.quiet.inn], "no statements: the range could not check it")
                #expect(ended.found == 2 && ended.lookupsWanted == 3 && ended.lookupsDone == 3)

                // One finances call per company, each an audit event; no card was needed.
                let requests = fakes.checko.script.receivedRequests
                #expect(requests.filter { $0.path == "/v2/finances" }.map { $0.query["inn"] ?? "" }
                    == [FakeCompany.yandex.inn, FakeCompany.romashkaSoft.inn, World.quiet.inn])
                #expect(!requests.contains { $0.path == "/v2/company" })
                #expect(Self.financeCalls(world).count == 3)
                #expect(Self.financeCalls(world).allSatisfy { $0.companyID == anna.companyID && $0.details["provider"] == "checko" })
                let outcome = try #require(world.audit.of(kind: ProspectDiscovery.auditKind).first)
                #expect(outcome.details["lookups"] == "3/3" && outcome.details["provider_calls"] == "4")

                // "Import all" brings the checked company only; a tick brings the other.
                let all = try await pipeline.searches.recordsForImport(anna, runID: run.id, resultIDs: nil)
                #expect(all.map(\.inn) == [FakeCompany.romashkaSoft.inn])
                let ticked = try await pipeline.searches.recordsForImport(anna, runID: run.id, resultIDs: unchecked.results.map(\.id))
                #expect(ticked.map(\.inn) == [World.quiet.inn])
            }
        }
    }

    @Test func theLookupBoundLeavesTheRestNotCheckedAndImportAllSkipsThem() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes, discoveryLimits: ProspectDiscovery.Limits(pageSize: 1, lookupsPerRun: 1))
                let run = try await Self.start(world, pipeline, anna, Self.midRevenue)
                let jobRan = try await world.runNextJob(pipeline)
                #expect(jobRan?.status == .done, "\(jobRan?.lastError ?? "")")

                let ended = try await pipeline.searches.findRun(run.id, companyID: anna.companyID)
                #expect(ended.status == .finished)
                #expect(ended.lookupsDone == 1 && ended.lookupsWanted == 3, "one looked up of three that needed it")
                #expect(Self.financeCalls(world).count == 1)
                #expect(fakes.checko.script.receivedRequests.filter { $0.path == "/v2/finances" }.map { $0.query["inn"] ?? "" } == [FakeCompany.yandex.inn])

                let checked = try await pipeline.searches.results(.tenant(anna), runID: run.id)
                #expect(checked.results.isEmpty, "Yandex, looked up, is above the range")
                let unchecked = try await pipeline.searches.results(.tenant(anna), runID: run.id, notChecked: true)
                #expect(unchecked.results.map(\.inn) == [FakeCompany.romashkaSoft.inn, World.quiet.inn])
                #expect(unchecked.totalCount == 2 && unchecked.notCheckedCount == 2)
                #expect(try await pipeline.searches.recordsForImport(anna, runID: run.id, resultIDs: nil).isEmpty, "import all skips them")
            }
        }
    }

    @Test func theLookupsPerRunComeFromTheEnvironment() {
        #expect(ProspectsPipeline.discoveryLookupsPerRun(environment: [:]) == 200)
        #expect(ProspectsPipeline.discoveryLookupsPerRun(environment: ["SMARTYSALES_DISCOVERY_LOOKUPS_PER_RUN": " 50 "]) == 50)
        #expect(ProspectsPipeline.discoveryLookupsPerRun(environment: ["SMARTYSALES_DISCOVERY_LOOKUPS_PER_RUN": "0"]) == 0)
        #expect(ProspectsPipeline.discoveryLookupsPerRun(environment: ["SMARTYSALES_DISCOVERY_LOOKUPS_PER_RUN": "-3"]) == 200)
    }

    @Test func resultsShowTheClientsTheTenantHasWhenReadNotWhenFound() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
                let pipeline = world.pipeline(fakes)
                let romashka = try await world.client(anna, .romashkaSoft)
                _ = try await world.client(boris, .yandex)

                let run = try await pipeline.searches.createRun(anna, criteria: Self.moscowSoftware, searchID: nil)
                try await pipeline.discovery.run(runID: run.id, companyID: anna.companyID)
                let found = try await pipeline.searches.results(.tenant(anna), runID: run.id)
                #expect(found.totalCount == 3 && found.clientCount == 1)
                #expect(found.results.first { $0.inn == FakeCompany.romashkaSoft.inn }?.clientID == romashka.id)
                #expect(found.results.first { $0.inn == FakeCompany.yandex.inn }?.isClient == false, "another tenant's client is not this one's")

                // Import Yandex: a minute later the same run shows it as a client.
                let yandexResult = try #require(found.results.first { $0.inn == FakeCompany.yandex.inn })
                let records = try await pipeline.searches.recordsForImport(anna, runID: run.id, resultIDs: [yandexResult.id])
                let created = try await world.clients.importRecords(companyID: anna.companyID, records, origin: .search)
                #expect(created.count == 1)
                let later = try await pipeline.searches.results(.tenant(anna), runID: run.id)
                #expect(later.clientCount == 2)
                #expect(later.results.first { $0.inn == FakeCompany.yandex.inn }?.clientID == created.first)
                let imported = try await world.clients.find(try #require(created.first), companyID: anna.companyID)
                #expect(imported.origin == .search && imported.name == "ООО \"ЯНДЕКС\"")
                #expect(imported.record.shortName?.source == .checko, "the record the search found, without a second call")
            }
        }
    }

    // MARK: Schedules

    @Test func aScheduledRunImportsOnlyCompaniesThatAreNotClientsYet() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes)
                let romashka = try await world.client(anna, .romashkaSoft)
                let saved = try await pipeline.searches.saveSearch(anna, name: "Софт в Москве", criteria: Self.moscowSoftware, repeatEveryDays: 7)
                try await pipeline.scheduleSearch(saved, now: world.clock.now())
                let scheduled = try await pipeline.scheduling.isScheduled(searchID: saved.id)
                #expect(scheduled)
                let early = try await world.runNextJob(pipeline)
                #expect(early == nil, "the first scheduled run waits one period")

                world.clock.advance(by: 7 * Self.day + 1)
                let firstRan = try await world.runNextJob(pipeline)
                let first = try #require(firstRan)
                #expect(first.status == .queued, "a periodic job is armed again: \(first.lastError ?? "")")
                #expect(first.runAt == world.clock.now().addingTimeInterval(7 * Self.day))
                let runs = try await pipeline.searches.recentRuns(.tenant(anna))
                let run = try #require(runs.first)
                #expect(runs.count == 1 && run.isScheduled && run.searchID == saved.id && run.status == .finished)
                #expect(run.found == 3 && run.imported == 2, "Yandex and Tikhaya Gavan; Romashka Soft was a client")
                let clients = try await world.clients.list(.tenant(anna), ClientListQuery())
                #expect(Set(clients.clients.map(\.inn)) == [FakeCompany.romashkaSoft.inn, FakeCompany.yandex.inn, World.quiet.inn])
                let stillManual = try await world.reload(romashka)
                #expect(stillManual.origin == .manual && stillManual.name == romashka.name, "an existing client is left as it was")
                let yandex = try #require(clients.clients.first { $0.inn == FakeCompany.yandex.inn })
                let imported = try await world.clients.find(yandex.id, companyID: anna.companyID)
                #expect(imported.origin == .search)
                let stamped = try await pipeline.searches.findSearch(saved.id, companyID: anna.companyID)
                #expect(stamped.lastRunID == run.id)

                // A period later: a new run, nothing new to import.
                world.clock.advance(by: 7 * Self.day + 1)
                let secondRan = try await world.runNextJob(pipeline)
                #expect(secondRan?.status == .queued, "\(secondRan?.lastError ?? "no job")")
                let again = try await pipeline.searches.recentRuns(.tenant(anna))
                #expect(again.count == 2)
                #expect(again.first?.found == 3 && again.first?.imported == 0)
                let unchanged = try await world.clients.list(.tenant(anna), ClientListQuery())
                #expect(unchanged.totalCount == 3)

                // Deleted: the next scheduled job finds the search gone and removes its own schedule
                // (the job's row with it), starting no run.
                try await pipeline.searches.deleteSearch(anna, id: saved.id)
                world.clock.advance(by: 7 * Self.day + 1)
                let orphanRan = try await world.runNextJob(pipeline)
                #expect(orphanRan == nil, "the schedule's row went with the schedule")
                let gone = try await pipeline.scheduling.isScheduled(searchID: saved.id)
                #expect(!gone)
                let afterDelete = try await pipeline.searches.recentRuns(.tenant(anna))
                #expect(afterDelete.count == 2)
            }
        }
    }

    @Test func aScheduledRunDoesNotBringBackACompanyTheTenantDeletedButAPersonCanImportIt() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes)
                let saved = try await pipeline.searches.saveSearch(anna, name: "Софт в Москве", criteria: Self.moscowSoftware, repeatEveryDays: 7)
                try await pipeline.scheduleSearch(saved, now: world.clock.now())
                world.clock.advance(by: 7 * Self.day + 1)
                _ = try await world.runNextJob(pipeline)
                let imported = try await world.clients.list(.tenant(anna), ClientListQuery())
                #expect(imported.totalCount == 3, "Yandex, Romashka Soft and Tikhaya Gavan")
                let yandex = try #require(imported.clients.first { $0.inn == FakeCompany.yandex.inn })
                try await world.clients.delete(anna, id: yandex.id)

                // A period later the provider answers the same companies: nothing comes back.
                world.clock.advance(by: 7 * Self.day + 1)
                let secondRan = try await world.runNextJob(pipeline)
                #expect(secondRan?.status == .queued, "\(secondRan?.lastError ?? "no job")")
                let runs = try await pipeline.searches.recentRuns(.tenant(anna))
                let second = try #require(runs.first)
                #expect(runs.count == 2 && second.found == 3 && second.imported == 0)
                let afterRerun = try await world.clients.existingINNs([FakeCompany.yandex.inn], companyID: anna.companyID)
                #expect(afterRerun.isEmpty, "a deleted client stays deleted")

                // The person picks it on the run page: it is a client again, and no longer dismissed.
                let records = try await pipeline.searches.recordsForImport(runID: second.id, companyID: anna.companyID, resultIDs: nil)
                let chosen = records.filter { $0.inn == FakeCompany.yandex.inn }
                #expect(chosen.count == 1)
                let created = try await world.clients.importRecords(companyID: anna.companyID, chosen, origin: .search)
                #expect(created.count == 1)
                let dismissed = try await world.clients.dismissedINNs([FakeCompany.yandex.inn], companyID: anna.companyID)
                #expect(dismissed.isEmpty)
            }
        }
    }

    // MARK: Failures

    @Test func anOutageMidRunIsRetriedFromWhereItStoppedWithoutDuplicates() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes, discoveryLimits: Self.onePerPage)
                let run = try await Self.start(world, pipeline, anna, Self.twoByTwo)
                fakes.checko.script.enqueue(.answer, .answer, .serverError)

                let failedRan = try await world.runNextJob(pipeline)
                let failed = try #require(failedRan)
                #expect(failed.status == .queued && failed.lastError?.contains("temporary failure") == true, "\(failed.lastError ?? "")")
                let halfway = try await pipeline.searches.findRun(run.id, companyID: anna.companyID)
                #expect(halfway.status == .running, "the run waits for the retry")
                #expect(halfway.found == 2 && halfway.queriesDone == 0 && halfway.nextPage == 3, "two pages stored, the third to ask again")

                world.clock.advance(by: 10)
                let retriedRan = try await world.runNextJob(pipeline)
                let retried = try #require(retriedRan)
                #expect(retried.status == .done, "\(retried.lastError ?? "")")
                let ended = try await pipeline.searches.findRun(run.id, companyID: anna.companyID)
                #expect(ended.status == .finished && ended.found == 5)
                let inns = try await pipeline.searches.results(.tenant(anna), runID: run.id).results.map(\.inn)
                #expect(inns.count == 5 && Set(inns).count == 5)
                #expect(Self.requests(fakes, code: "62.01", region: "77", page: 1) == 1, "pages stored before the outage are not asked again")
                #expect(Self.requests(fakes, code: "62.01", region: "77", page: 2) == 1)
                #expect(Self.requests(fakes, code: "62.01", region: "77", page: 3) == 2, "the failed page, and its retry")
            }
        }
    }

    @Test func anOutageOnTheLastAttemptFailsTheRunInsteadOfLeavingItRunning() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes)
                let run = try await pipeline.searches.createRun(anna, criteria: Self.moscowSoftware, searchID: nil)
                fakes.checko.script.enqueue(.serverError)
                let ended = try await pipeline.discovery.run(runID: run.id, companyID: anna.companyID, finalAttempt: true)
                #expect(ended.status == .failed)
                let problem = try #require(ended.error.flatMap(ProspectProblem.init(stored:)), "\(ended.error ?? "nil")")
                #expect(problem.code == .gaveUp)
                #expect(problem[ProspectProblem.detail]?.contains("temporary failure") == true, "\(problem)")
            }
        }
    }

    @Test func aUsedUpQuotaOrGarbageFailsTheRunWithTheReason() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()
                let pipeline = world.pipeline(fakes)

                let quota = try await Self.start(world, pipeline, anna, Self.moscowSoftware)
                fakes.checko.script.enqueue(.inBandQuotaExhausted)
                let quotaJobRan = try await world.runNextJob(pipeline)
                let quotaJob = try #require(quotaJobRan)
                #expect(quotaJob.status == .done, "nothing to retry: a person must act")
                let refused = try await pipeline.searches.findRun(quota.id, companyID: anna.companyID)
                #expect(refused.status == .failed)
                let refusal = try #require(refused.error.flatMap(ProspectProblem.init(stored:)), "\(refused.error ?? "nil")")
                #expect(refusal.code == .sourcesRefused)
                #expect(refusal[ProspectProblem.detail]?.contains("quota exhausted") == true, "\(refusal)")
                #expect(refusal[ProspectProblem.detail]?.contains(fakes.checko.apiKey) == false)

                let garbage = try await pipeline.searches.createRun(anna, criteria: Self.moscowSoftware, searchID: nil)
                fakes.checko.script.enqueue(.garbage())
                let unreadable = try await pipeline.discovery.run(runID: garbage.id, companyID: anna.companyID)
                #expect(unreadable.status == .failed)
                let garbageProblem = try #require(unreadable.error.flatMap(ProspectProblem.init(stored:)), "\(unreadable.error ?? "nil")")
                #expect(garbageProblem.code == .unusableAnswer)
                #expect(garbageProblem[ProspectProblem.detail]?.contains("not in the documented format") == true, "\(garbageProblem)")
                #expect(unreadable.found == 0)
            }
        }
    }

    @Test func withoutAProviderThatSearchesByOKVEDTheRunFailsWithoutACall() async throws {
        try await ProspectFakes.with { fakes in
            try await TestDatabase.with { db in
                let world = try World(db)
                let anna = try await world.tenant()

                let none = world.pipeline(fakes, companyData: false)
                let run = try await none.searches.createRun(anna, criteria: Self.moscowSoftware, searchID: nil)
                let failed = try await none.discovery.run(runID: run.id, companyID: anna.companyID)
                #expect(failed.status == .failed)
                #expect(failed.error.flatMap(ProspectProblem.init(stored:))?.code == .noDiscoveryProvider, "\(failed.error ?? "nil")")

                let daDataOnly = world.pipeline(fakes, companyDataDefaults: CompanyDataPlatformDefaults(environment: [
                    "SMARTYSALES_DADATA_API_KEY": fakes.daData.apiKey, "SMARTYSALES_DADATA_BASE_URL": fakes.daData.baseURL,
                ]))
                let second = try await daDataOnly.searches.createRun(anna, criteria: Self.moscowSoftware, searchID: nil)
                let refused = try await daDataOnly.discovery.run(runID: second.id, companyID: anna.companyID)
                #expect(refused.status == .failed)
                let noSearch = try #require(refused.error.flatMap(ProspectProblem.init(stored:)), "\(refused.error ?? "nil")")
                #expect(noSearch.code == .noOKVEDSearchProvider)
                #expect(noSearch[ProspectProblem.configured] == "dadata", "\(noSearch)")
                #expect(fakes.requests == .init(daData: 0, checko: 0, openAI: 0), "\(fakes.requests)")
            }
        }
    }

    // MARK: The plan

    @Test func codesBecomeAsFewQueriesAsADottedPrefixMatchAllows() throws {
        let tree = try OKVEDTree.bundled()
        func codes(_ picked: [String], subtrees: Bool = true) -> [String] {
            ProspectSearchPlan(criteria: ProspectSearchCriteria(okvedCodes: picked, includeSubtrees: subtrees), tree: tree).queries.map(\.okvedCode)
        }
        #expect(codes(["62"]) == ["62"], "one query covers 62.01, 62.02.1 …")
        #expect(codes(["62", "62.01"]) == ["62"], "a code under another picked one adds nothing")
        #expect(codes(["62.0"]) == ["62.0", "62.01", "62.02", "62.03", "62.09"], "62.01 does not start with \"62.0.\"")
        #expect(codes(["62.03.1"]) == ["62.03.1", "62.03.11", "62.03.12", "62.03.13", "62.03.19"])
        #expect(codes(["J"]) == tree.children(of: "J").map(\.code), "a section stands for its classes")
        #expect(codes(["62", "62.01"], subtrees: false) == ["62", "62.01"])
        #expect(codes(["99.99", "6201"]) == ["62.01"], "unknown codes are left out, typed ones normalised")


        let plan = ProspectSearchPlan(criteria: ProspectSearchCriteria(okvedCodes: ["62.01", "47.11"], regionCodes: ["77", "5", "77"]), tree: tree)
        #expect(plan.queries.map { "\($0.okvedCode)@\($0.regionCode ?? "-")" } == ["62.01@77", "62.01@05", "47.11@77", "47.11@05"])
        let russia = ProspectSearchPlan(criteria: ProspectSearchCriteria(okvedCodes: ["62.01"]), tree: tree)
        #expect(russia.queries.map(\.regionCode) == [nil], "no region: one query for all of Russia")
    }

    @Test func eachPickedCodeTakesItsSubtreeOrNot() throws {
        let tree = try OKVEDTree.bundled()
        // 62.0 with its subtree, 46.51 without: 62.0's children are asked for, 46.51's are not.
        let plan = ProspectSearchPlan(criteria: ProspectSearchCriteria(okvedCodes: ["62.0", "46.51"], subtreeCodes: ["62.0"]), tree: tree)
        #expect(plan.queries.map(\.okvedCode) == ["62.0", "62.01", "62.02", "62.03", "62.09", "46.51"])
        #expect(plan.queries.filter(\.matchesExactly).map(\.okvedCode) == ["46.51"])
        #expect(!tree.children(of: "46.51").isEmpty, "46.51 has children to leave out")
        let without = try #require(plan.queries.last)
        let now = Date()
        var child = CompanyRecord(inn: ProspectDiscoveryTests.inn(2))
        child.mainOKVED = Sourced(OKVEDActivity(code: "46.51.1"), source: .checko, fetchedAt: now)
        #expect(!plan.keeps(child, for: without), "a child of a code picked without its subtree is not a result")
        var own = CompanyRecord(inn: ProspectDiscoveryTests.inn(3))
        own.mainOKVED = Sourced(OKVEDActivity(code: "46.51"), source: .checko, fetchedAt: now)
        #expect(plan.keeps(own, for: without))

        // A code picked without its subtree under one picked with it adds nothing.
        let nested = ProspectSearchPlan(criteria: ProspectSearchCriteria(okvedCodes: ["62.01", "62"], subtreeCodes: ["62"]), tree: tree)
        #expect(nested.queries.map(\.okvedCode) == ["62"])
        #expect(nested.queries.allSatisfy { !$0.matchesExactly })
    }

    @Test func theRangesActivityRegionAndExactCodeDecideWhatIsKept() throws {
        let tree = try OKVEDTree.bundled()
        let now = Date()
        func record(_ inn: String = ProspectDiscoveryTests.inn(1), revenue: Int64? = nil, status: CompanyStatus? = .active, region: String? = "77",
                    code: String? = "62.01") -> CompanyRecord {
            var record = CompanyRecord(inn: inn)
            record.revenue = revenue.map { Sourced(CompanyRevenue(year: 2024, roubles: $0), source: .checko, fetchedAt: now) }
            record.status = status.map { Sourced($0, source: .checko, fetchedAt: now) }
            record.regionCode = region.map { Sourced($0, source: .checko, fetchedAt: now) }
            record.mainOKVED = code.map { Sourced(OKVEDActivity(code: $0), source: .checko, fetchedAt: now) }
            return record
        }
        let plan = ProspectSearchPlan(criteria: ProspectSearchCriteria(
            okvedCodes: ["62"], includeSubtrees: false, regionCodes: ["77"], revenueMin: 10_000_000, revenueMax: 100_000_000, activeOnly: true), tree: tree)
        let query = try #require(plan.queries.first)
        #expect(query.matchesExactly)
        #expect(plan.keeps(record(revenue: 50_000_000, code: "62"), for: query))
        #expect(!plan.keeps(record(revenue: 50_000_000), for: query), "62.01 is under 62, and subtrees were not asked for")
        #expect(plan.keeps(record(revenue: 50_000_000, code: nil), for: query), "no code named: the provider's match is trusted")
        #expect(!plan.keeps(record(revenue: 9_999_999, code: "62"), for: query), "below the revenue range")
        #expect(!plan.keeps(record(revenue: 100_000_001, code: "62"), for: query), "above it")
        #expect(plan.keeps(record(revenue: nil, code: "62"), for: query), "an unknown revenue passes")
        #expect(plan.missingFigures(record(revenue: nil, code: "62"), for: query) == [.revenue], "…and is looked up")
        #expect(plan.missingFigures(record(revenue: 50_000_000, code: nil), for: query) == [.okvedCode], "no code named: looked up")
        #expect(plan.missingFigures(record(revenue: 50_000_000, code: "62"), for: query).isEmpty)
        #expect(!plan.keeps(record(status: .liquidating, code: "62"), for: query))
        #expect(plan.keeps(record(status: nil, code: "62"), for: query), "an unknown status passes: the provider was asked for active ones")
        #expect(!plan.keeps(record(region: "50", code: "62"), for: query), "another region than asked")
        #expect(!plan.keeps(record("7700000001", code: "62"), for: query), "an INN with a wrong check digit cannot become a client")

        let anyStatus = ProspectSearchPlan(criteria: ProspectSearchCriteria(okvedCodes: ["62"], activeOnly: false), tree: tree)
        let broad = try #require(anyStatus.queries.first)
        #expect(!broad.matchesExactly)
        #expect(anyStatus.keeps(record(status: .liquidated, region: "50"), for: broad), "all of Russia, any status, the whole subtree")
    }
}
