import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Discovery through the real app: the search form and its field errors, the run page with its
/// live progress and "already a client" marks, importing the ticked companies or all of them,
/// saved searches, the OKVED picker, who may do what, and what another tenant sees (nothing).
/// Runs are made and filled through the repository the way the search job fills them; the job
/// itself is the workers' tests' business.
@Suite struct ProspectFlowTests {
    /// `prospects.search`, as the form queues it.
    static let searchJobKind = "prospects.search"

    /// The progress document as `app.js` reads it.
    struct Progress: Decodable {
        let status: String
        let statusLabel: String
        let isOver: Bool
        let queriesDone: Int
        let queriesTotal: Int
        let found: Int
        let imported: Int
        let lookupsDone: Int
        let lookupsWanted: Int
        let error: String?
    }

    struct Suggestion: Decodable {
        let code: String
        let name: String
        let hasChildren: Bool
    }

    static func progress(_ browser: Browser, _ run: ProspectSearchRun) async throws -> Progress {
        let response = try await browser.get("/prospects/runs/\(run.id.uuidString)/progress.json")
        guard response.status == .ok, response.headers[.contentType]?.hasPrefix("application/json") == true else {
            throw InboxFixtures.Missing(description: "no progress: \(response.status) \(response.text)")
        }
        return try JSONDecoder().decode(Progress.self, from: Data(response.text.utf8))
    }

    /// A run of Moscow software companies with three results, as the job stores them, the second
    /// of which the tenant has as a client.
    static func runWithResults(_ app: TestApp, _ member: TenantMember) async throws -> (ProspectSearchRun, [ProspectResult], Client) {
        let searches = app.services.prospectSearches
        let run = try await searches.createRun(member, criteria: ProspectSearchCriteria(okvedCodes: ["62.01"], regionCodes: ["77"]), searchID: nil)
        _ = try await searches.startRun(run.id, companyID: member.companyID, queriesTotal: 2)
        let records = [
            ClientFixtures.record(inn: ClientFixtures.inn(21), name: "Ромашка Софт", region: "77", okved: "62.01", revenue: 120_000_000, headcount: 45),
            ClientFixtures.record(inn: ClientFixtures.inn(22), name: "Яндекс", region: "77", okved: "62.01"),
            ClientFixtures.record(inn: ClientFixtures.inn(23), name: "Василёк Тех", region: "50", okved: "62.01"),
        ]
        let found = records.map { ProspectSearchRepository.Found(record: $0, matchedOKVED: "62.01", matchedRegion: "77") }
        let stored = try await searches.addResults(found, runID: run.id, companyID: member.companyID,
                                                   progress: ProspectSearchRepository.Progress(queriesDone: 1, nextPage: 1))
        let client = try await ClientFixtures.client(app, member, name: "Яндекс (уже клиент)", inn: ClientFixtures.inn(22))
        let results = try await searches.results(.tenant(member), runID: run.id).results
        return (stored, results, client)
    }

    // MARK: The form

    @Test func theFormMarksEachMistakeAndKeepsWhatWasTyped() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")

            let form = try await anna.get("/prospects")
            #expect(form.status == .ok)
            #expect(form.text.contains("href=\"/prospects\""), "the main navigation leads here")
            #expect(form.text.contains("name=\"subtree\" type=\"checkbox\" value=\"1\" checked"), "subcodes are included by default")
            #expect(form.text.contains("name=\"active\" type=\"checkbox\" value=\"1\" checked"), "active only by default")
            #expect(form.text.contains("data-okved-picker=\"/okved/search.json\""))
            #expect(form.text.contains("<option value=\"77\">77 — город Москва</option>"))

            let wrong = try await anna.post("/prospects/search", [
                ("okved", "62.01, 99.99"), ("subtree", "1"), ("region", "77"), ("region", "00"),
                ("revenue_min", "100 000"), ("revenue_max", "50"), ("headcount_min", "десять"), ("headcount_max", ""),
                ("name", ""), ("repeat_days", "7"),
            ], tokenFrom: "/prospects")
            #expect(wrong.status == .unprocessableContent)
            let html = wrong.text
            for key in ["validation_okved_unknown", "validation_region_unknown", "validation_prospects_range", "validation_prospects_number",
                        "validation_prospects_schedule_needs_name"] {
                #expect(html.contains(InboxFixtures.html(app, key, .ru)), "\(key)")
            }
            #expect(html.contains("value=\"62.01, 99.99\""), "the codes as typed")
            #expect(html.contains("value=\"100 000\"") && html.contains("value=\"50\"") && html.contains("value=\"десять\""))
            #expect(html.contains("value=\"7\""))
            #expect(html.contains("<option value=\"77\" selected>"), "the chosen region stays chosen")
            #expect(html.contains("name=\"active\" type=\"checkbox\" value=\"1\">"), "an unticked box stays unticked")
            #expect(html.contains("id=\"okved\"") && html.contains("aria-invalid=\"true\""))

            let noCodes = try await anna.post("/prospects/search", [("okved", "  "), ("active", "1")], tokenFrom: "/prospects")
            #expect(noCodes.status == .unprocessableContent)
            #expect(noCodes.text.contains(InboxFixtures.html(app, "validation_prospects_okved_required", .ru)))
            let badPeriod = try await anna.post("/prospects/search", [("okved", "62.01"), ("name", "ИТ"), ("repeat_days", "0")], tokenFrom: "/prospects")
            #expect(badPeriod.status == .unprocessableContent)
            #expect(badPeriod.text.contains(InboxFixtures.html(app, "validation_prospects_repeat_days", .ru)))

            let runs = try await app.services.prospectSearches.recentRuns(.tenant(member))
            #expect(runs.isEmpty, "nothing was started")
            let queued = try await InboxFixtures.claimAll(app, kind: Self.searchJobKind)
            #expect(queued.isEmpty)
        }
    }

    @Test func aValidSearchStartsARunAndANamedOneIsSavedAndScheduled() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")

            // Codes typed by hand, without the picker: separated by commas, `6202` read as 62.02.
            let started = try await anna.post("/prospects/search", [
                ("okved", "62.01, 6202"), ("subtree", "1"), ("region", "77"), ("region", "50"), ("revenue_min", "10 000 000"), ("active", "1"),
            ], tokenFrom: "/prospects")
            #expect(started.status == .seeOther)
            let runs = try await app.services.prospectSearches.recentRuns(.tenant(member))
            let run = try #require(runs.first)
            #expect(started.location == "/prospects/runs/\(run.id.uuidString)")
            #expect(run.status == .queued && run.searchID == nil && !run.isScheduled)
            #expect(run.criteria == ProspectSearchCriteria(okvedCodes: ["62.01", "62.02"], includeSubtrees: true, regionCodes: ["77", "50"],
                                                           revenueMin: 10_000_000, activeOnly: true))
            let jobs = try await InboxFixtures.claimAll(app, kind: Self.searchJobKind)
            #expect(jobs.count == 1 && jobs.first?.companyID == member.companyID)
            let payload = try InboxFixtures.payload(try #require(jobs.first))
            #expect((payload["run_id"] as? String)?.lowercased() == run.id.uuidString.lowercased())
            let page = try await anna.get("/prospects/runs/\(run.id.uuidString)")
            #expect(page.status == .ok)
            #expect(page.text.contains(InboxFixtures.html(app, "flash_prospects_search_started", .ru)))

            // Named and repeated: saved, scheduled, and the run belongs to it.
            let saved = try await anna.post("/prospects/search", [
                ("okved", "62"), ("subtree", "1"), ("active", "1"), ("name", "ИТ по всей России"), ("repeat_days", "7"),
            ], tokenFrom: "/prospects")
            #expect(saved.status == .seeOther)
            let searches = try await app.services.prospectSearches.searches(.tenant(member))
            let search = try #require(searches.first)
            #expect(searches.count == 1 && search.name == "ИТ по всей России" && search.repeatEveryDays == 7)
            #expect(search.criteria.okvedCodes == ["62"] && search.criteria.regionCodes.isEmpty)
            let scheduled = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(scheduled)
            let savedRunID = try #require(search.lastRunID)
            #expect(saved.location == "/prospects/runs/\(savedRunID.uuidString)")
            let savedRun = try await anna.get("/prospects/runs/\(savedRunID.uuidString)")
            #expect(savedRun.text.contains("ИТ по всей России"))
            #expect(savedRun.text.contains("повторяться раз в 7 дн."), "the flash says how often it repeats")

            // The saved searches page, running one again, deleting it with its schedule.
            let list = try await anna.get("/prospects/searches")
            #expect(list.status == .ok)
            #expect(list.text.contains("ИТ по всей России") && list.text.contains("Раз в 7 дн."))
            #expect(list.text.contains("action=\"/prospects/searches/\(search.id.uuidString)/run\""))
            let rerun = try await anna.post("/prospects/searches/\(search.id.uuidString)/run", [], tokenFrom: "/prospects/searches")
            #expect(rerun.status == .seeOther)
            let afterRerun = try await app.services.prospectSearches.findSearch(search.id, scope: .tenant(member))
            let rerunID = try #require(afterRerun.lastRunID)
            #expect(rerunID != savedRunID)
            #expect(rerun.location == "/prospects/runs/\(rerunID.uuidString)")
            let rerunRun = try await app.services.prospectSearches.findRun(rerunID, scope: .tenant(member))
            #expect(rerunRun.searchID == search.id && !rerunRun.isScheduled, "run again by hand: nothing imported by itself")

            let deleted = try await anna.post("/prospects/searches/\(search.id.uuidString)/delete", [], tokenFrom: "/prospects/searches")
            #expect(deleted.location == "/prospects/searches")
            let remaining = try await app.services.prospectSearches.searches(.tenant(member))
            #expect(remaining.isEmpty)
            let stillScheduled = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(!stillScheduled, "its schedule went with it")
            let oldRun = try await anna.get("/prospects/runs/\(rerunRun.id.uuidString)")
            #expect(oldRun.status == .ok, "its runs stay readable")
        }
    }

    // MARK: A run

    @Test func aRunPageShowsItsProgressItsResultsAndWhoIsAClient() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let (run, results, yandex) = try await Self.runWithResults(app, member)
            let path = "/prospects/runs/\(run.id.uuidString)"

            let page = try await anna.get(path)
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("data-prospect-run=\"\(path)/progress.json\" data-active=\"1\""), "app.js polls while it runs")
            #expect(html.contains("Ромашка Софт") && html.contains("Василёк Тех"))
            #expect(html.contains(ClientFixtures.inn(21)) && html.contains(ClientFixtures.inn(23)))
            #expect(html.contains("<td>город Москва</td>"), "the region by name")
            #expect(html.contains("120\u{00A0}000\u{00A0}000\u{00A0}₽"))
            #expect(html.contains("href=\"/clients/\(yandex.id.uuidString)\" data-already-client"), "the client it already is, linked")
            #expect(html.matches(of: /data-already-client/).count == 1)
            #expect(html.contains("name=\"ids\" value=\"\(results[0].id.uuidString)\""))
            #expect(!html.contains("name=\"ids\" value=\"\(results[1].id.uuidString)\""), "a client cannot be ticked for import")

            let running = try await Self.progress(anna, run)
            #expect(running.status == "running" && !running.isOver)
            #expect(running.queriesDone == 1 && running.queriesTotal == 2 && running.found == 3 && running.imported == 0)
            #expect(running.statusLabel == app.services.renderer.localizer.text("prospects_run_status_running", .ru))

            _ = try await app.services.prospectSearches.failRun(run.id, companyID: member.companyID, reason: "checko: quota exhausted: лимит")
            let failed = try await Self.progress(anna, run)
            #expect(failed.isOver && failed.status == "failed" && failed.error == "checko: quota exhausted: лимит")
            let failedPage = try await anna.get(path)
            #expect(failedPage.text.contains("data-active=\"0\""))
            #expect(failedPage.text.contains("checko: quota exhausted: лимит"))
            #expect(failedPage.text.contains(ClientFixtures.inn(21)), "what was found before stays importable")

            // What the worker stores (a code with values) is worded in the visitor's language,
            // in the progress JSON app.js shows and on the page; the provider's words stay its own.
            let problem = ProspectProblem.noOKVEDSearchProvider(configured: ["dadata"])
            _ = try await app.services.prospectSearches.failRun(run.id, companyID: member.companyID, reason: problem.stored)
            let worded = try await Self.progress(anna, run)
            #expect(worded.error == "Ни один из подключённых сервисов данных (dadata) не ищет по коду ОКВЭД — подключите Checko",
                    "\(worded.error ?? "nil")")
            let wordedPage = try await anna.get(path)
            #expect(wordedPage.text.contains("<span data-run-error-text>Ни один из подключённых сервисов данных (dadata)"))
            #expect(!wordedPage.text.contains(ProspectProblem.prefix))
        }
    }

    @Test func theFormSaysRangesAreCheckedForUpToNCompaniesAndTheRunPageListsTheUncheckedApart() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let localizer = app.services.renderer.localizer

            let form = try await anna.get("/prospects")
            let note = localizer.text("prospects_field_lookups", .ru, values: [
                "count": ClientFormat.grouped(app.services.discoveryLookupsPerRun, .ru),
            ])
            #expect(note.contains(ClientFormat.grouped(app.services.discoveryLookupsPerRun, .ru)))
            #expect(form.text.contains("<p class=\"field-hint\" data-provider-filters>\(note)</p>"))

            // Without a range: no lookups counted, nothing listed apart.
            let (plain, _, _) = try await Self.runWithResults(app, member)
            let plainPage = try await anna.get("/prospects/runs/\(plain.id.uuidString)")
            #expect(plainPage.status == .ok)
            #expect(!plainPage.text.contains("data-run-lookups") && !plainPage.text.contains("data-not-checked-results"))

            // A revenue range: one company checked inside it, one the run could not check.
            let searches = app.services.prospectSearches
            let criteria = ProspectSearchCriteria(okvedCodes: ["62.01"], regionCodes: ["77"], revenueMin: 10_000_000)
            let run = try await searches.createRun(member, criteria: criteria, searchID: nil)
            _ = try await searches.startRun(run.id, companyID: member.companyID, queriesTotal: 1)
            let inside = ClientFixtures.record(inn: ClientFixtures.inn(31), name: "В диапазоне", region: "77", okved: "62.01", revenue: 50_000_000)
            let unknown = ClientFixtures.record(inn: ClientFixtures.inn(32), name: "Не проверена", region: "77", okved: "62.01")
            _ = try await searches.addResults([
                ProspectSearchRepository.Found(record: inside, matchedOKVED: "62.01", matchedRegion: "77"),
                ProspectSearchRepository.Found(record: unknown, matchedOKVED: "62.01", matchedRegion: "77", notChecked: true),
            ], runID: run.id, companyID: member.companyID,
            progress: ProspectSearchRepository.Progress(queriesDone: 1, nextPage: 1, lookupsWanted: 3, lookupsDone: 1))
            let path = "/prospects/runs/\(run.id.uuidString)"
            let page = try await anna.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("<span data-run-figure=\"lookupsDone\">1</span> / <span data-run-figure=\"lookupsWanted\">3</span>"))
            #expect(page.text.matches(of: /<tr data-not-checked>/).count == 1)
            let apart = try #require(page.text.range(of: "data-not-checked-results"))
            #expect(page.text[apart.upperBound...].contains(ClientFixtures.inn(32)))
            #expect(!page.text[..<apart.lowerBound].contains(ClientFixtures.inn(32)), "not among the checked results")
            #expect(page.text[..<apart.lowerBound].contains(ClientFixtures.inn(31)))
            let progress = try await Self.progress(anna, run)
            #expect(progress.lookupsDone == 1 && progress.lookupsWanted == 3)

            // "Import all" leaves the unchecked company out; a tick imports it.
            let all = try await anna.post("\(path)/import", [("all", "1")], tokenFrom: path)
            #expect(all.location?.hasPrefix("/clients?run=") == true, "the clients just imported")
            let afterAll = Set(try await app.services.clients.list(.tenant(member), ClientListQuery()).clients.map(\.inn))
            #expect(afterAll.contains(ClientFixtures.inn(31)) && !afterAll.contains(ClientFixtures.inn(32)))
            let unchecked = try await searches.results(.tenant(member), runID: run.id, notChecked: true).results
            let uncheckedID = try #require(unchecked.first?.id)
            let ticked = try await anna.post("\(path)/import", [("ids", uncheckedID.uuidString), ("all", "0")], tokenFrom: path)
            #expect(ticked.location?.hasPrefix("/clients?run=") == true, "the client just imported")
            let afterTick = Set(try await app.services.clients.list(.tenant(member), ClientListQuery()).clients.map(\.inn))
            #expect(afterTick.contains(ClientFixtures.inn(32)))
        }
    }

    @Test func theTickedCompaniesOrAllOfThemBecomeClients() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let (run, results, _) = try await Self.runWithResults(app, member)
            let path = "/prospects/runs/\(run.id.uuidString)"
            let localizer = app.services.renderer.localizer
            func imported(_ count: Int, existing: Int) -> String {
                localizer.text("flash_prospects_imported", .ru).replacingOccurrences(of: "{imported}", with: String(count))
                    .replacingOccurrences(of: "{existing}", with: String(existing))
            }

            let nothing = try await anna.post("\(path)/import", [("all", "0")], tokenFrom: path)
            #expect(nothing.location == path)
            let refusedPage = try await anna.get(path)
            #expect(refusedPage.text.contains(InboxFixtures.html(app, "flash_prospects_import_nothing", .ru)))

            let one = try await anna.post("\(path)/import", [("ids", results[0].id.uuidString), ("all", "0")], tokenFrom: path)
            #expect(one.status == .seeOther && one.location == "/clients?run=\(run.id.uuidString)", "the list of what this run imported")
            let clients = try await anna.get("/clients")
            #expect(clients.text.contains(imported(1, existing: 0)), "the flash counts what was imported")
            let list = try await app.services.clients.list(.tenant(member), ClientListQuery())
            let romashka = try #require(list.clients.first { $0.inn == ClientFixtures.inn(21) })
            #expect(list.totalCount == 2)
            let card = try await app.services.clients.find(romashka.id, scope: .tenant(member))
            #expect(card.origin == .search && card.record.revenue?.value.roubles == 120_000_000, "the record the search found")

            let all = try await anna.post("\(path)/import", [("all", "1")], tokenFrom: path)
            #expect(all.location == "/clients?run=\(run.id.uuidString)")
            let afterAll = try await anna.get("/clients")
            #expect(afterAll.text.contains(imported(1, existing: 2)), "Vasilyok is new; Yandex and Romashka were clients")
            let everyone = try await app.services.clients.list(.tenant(member), ClientListQuery())
            #expect(Set(everyone.clients.map(\.inn)) == [ClientFixtures.inn(21), ClientFixtures.inn(22), ClientFixtures.inn(23)])
            let counted = try await app.services.prospectSearches.findRun(run.id, scope: .tenant(member))
            #expect(counted.imported == 2)
            let page = try await anna.get(path)
            #expect(page.text.matches(of: /data-already-client/).count == 3, "imported a moment ago, marked now")
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "prospects.imported"), page: 1)
            #expect(trail.events.count == 2)
        }
    }

    @Test func importingOpensTheImportedClientsAndEnrichTheseQueuesExactlyThem() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let (run, _, yandex) = try await Self.runWithResults(app, member)
            let other = try await ClientFixtures.client(app, member, name: "Добавлен вручную", inn: ClientFixtures.inn(40))
            let path = "/prospects/runs/\(run.id.uuidString)"

            let page = try await anna.get(path)
            #expect(page.text.contains("data-select-all=\"ids\""), "app.js reveals the select-all box")
            #expect(!page.text.contains("<script>"), "no inline script")

            let imported = try await anna.post("\(path)/import", [("all", "1")], tokenFrom: path)
            let list = try #require(imported.location)
            #expect(list == "/clients?run=\(run.id.uuidString)")
            let filtered = try await anna.get(list)
            #expect(filtered.status == .ok)
            #expect(filtered.text.contains("Ромашка Софт") && filtered.text.contains("Василёк Тех"))
            #expect(!filtered.text.contains("Яндекс (уже клиент)"), "a client before the import is not one it brought")
            #expect(!filtered.text.contains("Добавлен вручную"))
            #expect(filtered.text.contains("data-from-run") && filtered.text.contains("data-enrich-these"))
            #expect(filtered.text.contains("href=\"\(path)\""), "the way back to the run")

            let fromRun = try await app.services.clients.list(.tenant(member), ClientListQuery(originRunID: run.id))
            #expect(Set(fromRun.clients.map(\.inn)) == [ClientFixtures.inn(21), ClientFixtures.inn(23)])

            let enrich = try await anna.post("/clients/enrich", [("scope", "all"), ("filter", "run=\(run.id.uuidString)")], tokenFrom: list)
            #expect(enrich.status == .seeOther)
            #expect(enrich.location?.hasPrefix("/clients?run=\(run.id.uuidString)&batch=") == true, "\(enrich.location ?? "nil")")
            let jobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            let payloads = jobs.map(\.payload).joined().lowercased()
            for imported in fromRun.clients {
                #expect(payloads.contains(imported.id.uuidString.lowercased()), "\(imported.name) is queued")
            }
            #expect(!payloads.contains(yandex.id.uuidString.lowercased()))
            #expect(!payloads.contains(other.id.uuidString.lowercased()))
            let untouched = try await app.services.clients.find(other.id, scope: .tenant(member))
            #expect(untouched.enrichment == .notStarted)
        }
    }

    // MARK: Who may do what

    @Test func viewersLookButNeitherSearchNorImport() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let (run, results, _) = try await Self.runWithResults(app, member)
            let saved = try await app.services.prospectSearches.saveSearch(member, name: "ИТ", criteria: run.criteria, repeatEveryDays: nil)
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            let path = "/prospects/runs/\(run.id.uuidString)"

            let discovery = try await vera.get("/prospects")
            #expect(discovery.status == .ok)
            #expect(!discovery.text.contains("action=\"/prospects/search\""), "no form for a viewer")
            #expect(discovery.text.contains(InboxFixtures.html(app, "prospects_viewer_note", .ru)))
            let page = try await vera.get(path)
            #expect(page.status == .ok && page.text.contains("Ромашка Софт"))
            #expect(!page.text.contains("name=\"ids\""), "nothing to tick")
            let progress = try await vera.get("\(path)/progress.json")
            #expect(progress.status == .ok)
            let savedList = try await vera.get("/prospects/searches")
            #expect(savedList.status == .ok && savedList.text.contains("ИТ"))
            #expect(!savedList.text.contains("/delete\""), "no buttons for a viewer")

            let posts: [(String, [(String, String)])] = [
                ("/prospects/search", [("okved", "62.01"), ("active", "1")]),
                ("\(path)/import", [("all", "1"), ("ids", results[0].id.uuidString)]),
                ("/prospects/searches/\(saved.id.uuidString)/run", []),
                ("/prospects/searches/\(saved.id.uuidString)/delete", []),
            ]
            for (target, fields) in posts {
                let response = try await vera.post(target, fields, tokenFrom: "/prospects")
                #expect(response.status == .forbidden, "viewer POST \(target)")
            }
            let clients = try await app.services.clients.list(.tenant(member), ClientListQuery())
            #expect(clients.totalCount == 1, "nothing was imported")
            let searches = try await app.services.prospectSearches.searches(.tenant(member))
            #expect(searches.count == 1, "nothing was deleted")
            let runs = try await app.services.prospectSearches.recentRuns(.tenant(member))
            #expect(runs.count == 1, "nothing was started")

            // A manager may.
            let max = try await ClientFixtures.colleague(app, client, owner: anna, email: "max@romashka.ru", role: "manager")
            let managerRun = try await max.post("/prospects/search", [("okved", "62.01"), ("active", "1")], tokenFrom: "/prospects")
            #expect(managerRun.status == .seeOther)
        }
    }

    @Test func anotherTenantGets404OnEveryRunAndSearchRoute() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@a.ru", company: "A")
            let member = try await InboxFixtures.member(app, email: "anna@a.ru")
            let (run, results, _) = try await Self.runWithResults(app, member)
            let saved = try await app.services.prospectSearches.saveSearch(member, name: "ИТ", criteria: run.criteria, repeatEveryDays: 7)
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "B")

            let path = "/prospects/runs/\(run.id.uuidString)"
            for target in [path, "\(path)/progress.json"] {
                let response = try await owen.get(target)
                #expect(response.status == .notFound, "GET \(target)")
            }
            let posts: [(String, [(String, String)])] = [
                ("\(path)/import", [("all", "1"), ("ids", results[0].id.uuidString)]),
                ("/prospects/searches/\(saved.id.uuidString)/run", []),
                ("/prospects/searches/\(saved.id.uuidString)/delete", []),
            ]
            for (target, fields) in posts {
                let response = try await owen.post(target, fields, tokenFrom: "/prospects")
                #expect(response.status == .notFound, "POST \(target)")
            }
            let owensPage = try await owen.get("/prospects/searches")
            #expect(!owensPage.text.contains("ИТ</td>"), "A's saved search is not listed for B")
            let owensRuns = try await owen.get("/prospects")
            #expect(!owensRuns.text.contains(path))

            let annaClients = try await app.services.clients.list(.tenant(member), ClientListQuery())
            #expect(annaClients.totalCount == 1, "nothing imported into A")
            let stillThere = try await app.services.prospectSearches.searches(.tenant(member))
            #expect(stillThere.map(\.id) == [saved.id])
            // Control: A reaches the same routes.
            let control = try await anna.get(path)
            #expect(control.status == .ok)
        }
    }

    // MARK: The picker

    @Test func theOKVEDPickerFindsCodesByNumberAndByWords() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            func suggestions(_ query: String) async throws -> [Suggestion] {
                let response = try await anna.get("/okved/search.json?q=\(Browser.encode(query))")
                guard response.status == .ok, response.headers[.contentType]?.hasPrefix("application/json") == true else {
                    throw InboxFixtures.Missing(description: "no suggestions: \(response.status) \(response.text)")
                }
                return try JSONDecoder().decode([Suggestion].self, from: Data(response.text.utf8))
            }

            let byNumber = try await suggestions("62.01")
            #expect(byNumber.first?.code == "62.01")
            #expect(byNumber.first?.name == "Разработка компьютерного программного обеспечения")
            #expect(byNumber.first?.hasChildren == false)
            let typedBare = try await suggestions("6201")
            #expect(typedBare.first?.code == "62.01", "digits without dots read the OKVED way")
            let byWords = try await suggestions("программного обеспечения")
            #expect(byWords.map(\.code).contains("62.01"), "\(byWords.map(\.code))")
            let byStem = try await suggestions("разработка программ")
            #expect(byStem.first?.code == "62.01", "\(byStem.map(\.code))")
            let cls = try await suggestions("62")
            #expect(cls.first?.code == "62" && cls.first?.hasChildren == true)
            #expect(cls.count <= 20)
            let nothing = try await suggestions("")
            #expect(nothing.isEmpty)

            let outsider = Browser(client)
            let refused = try await outsider.get("/okved/search.json?q=62")
            #expect(refused.status != .ok, "signed-in users only")
        }
    }
}
