import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Saved searches through the real app: editing one in the discovery form (and its schedule with
/// it), pausing and resuming its schedule with the next run shown, saving a run's criteria as a
/// search, and the OKVED codes named on a form that comes back.
@Suite struct SavedSearchFlowTests {
    static let day: TimeInterval = 24 * 3_600

    static func scheduleKey(_ search: ProspectSearch) -> String {
        "prospects.search.\(search.id.uuidString.lowercased())"
    }

    /// A search saved with a period and scheduled, as the discovery form saves one.
    static func scheduledSearch(_ app: TestApp, _ member: TenantMember, days: Int?) async throws -> ProspectSearch {
        let criteria = ProspectSearchCriteria(okvedCodes: ["62.01"], includeSubtrees: true, regionCodes: ["77"], revenueMin: 1_000_000)
        let search = try await app.services.prospectSearches.saveSearch(member, name: "ИТ в Москве", criteria: criteria, repeatEveryDays: days)
        try await app.services.prospectScheduling.schedule(search)
        return search
    }

    @Test func editingASavedSearchChangesItAndItsSchedule() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let search = try await Self.scheduledSearch(app, member, days: 7)
            let path = "/prospects/searches/\(search.id.uuidString)/edit"

            let list = try await anna.get("/prospects/searches")
            #expect(list.text.contains("href=\"\(path)\""), "an Edit link per search")
            let form = try await anna.get(path)
            #expect(form.status == .ok)
            let html = form.text
            #expect(html.contains("action=\"\(path)\""), "the form posts back to the search")
            #expect(html.contains("value=\"62.01\"") && html.contains("value=\"1000000\"") && html.contains("value=\"7\""))
            #expect(html.contains("value=\"ИТ в Москве\""))
            #expect(html.contains("<option value=\"77\" selected>"))
            #expect(html.contains("<li data-code=\"62.01\"><code>62.01</code> — Разработка компьютерного программного обеспечения</li>"), "the code with its name")
            #expect(!html.contains("prospects-runs-title"), "no list of runs on the edit page")

            // A mistake: the form comes back with it, nothing changes.
            let unnamed = try await anna.post(path, [("okved", "62.02"), ("active", "1"), ("name", " "), ("repeat_days", "7")], tokenFrom: path)
            #expect(unnamed.status == .unprocessableContent)
            #expect(unnamed.text.contains("action=\"\(path)\""))
            let unchanged = try await app.services.prospectSearches.findSearch(search.id, scope: .tenant(member))
            #expect(unchanged.name == "ИТ в Москве" && unchanged.criteria.okvedCodes == ["62.01"])

            // New criteria and a new period: the schedule follows the period.
            let saved = try await anna.post(path, [
                ("okved", "62.02"), ("region", "50"), ("active", "1"), ("name", "ИТ в Подмосковье"), ("repeat_days", "14"),
            ], tokenFrom: path)
            #expect(saved.status == .seeOther && saved.location == "/prospects/searches")
            let edited = try await app.services.prospectSearches.findSearch(search.id, scope: .tenant(member))
            #expect(edited.name == "ИТ в Подмосковье" && edited.repeatEveryDays == 14)
            #expect(edited.criteria == ProspectSearchCriteria(okvedCodes: ["62.02"], includeSubtrees: false, regionCodes: ["50"], activeOnly: true))
            let interval = try await app.services.jobs.scheduledInterval(key: Self.scheduleKey(search))
            #expect(interval == 14 * Self.day)
            let runs = try await app.services.prospectSearches.recentRuns(.tenant(member))
            #expect(runs.isEmpty, "editing runs nothing")

            // No period any more: no schedule.
            let byHand = try await anna.post(path, [("okved", "62.02"), ("active", "1"), ("name", "ИТ в Подмосковье"), ("repeat_days", "")],
                                             tokenFrom: path)
            #expect(byHand.status == .seeOther)
            let unscheduled = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(!unscheduled)
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "prospects.search_updated"), page: 1)
            #expect(trail.events.count == 2)

            // Viewers and other tenants cannot.
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            #expect(try await vera.get(path).status == .forbidden)
            #expect(try await vera.post(path, [("okved", "01"), ("name", "x")], tokenFrom: "/prospects").status == .forbidden)
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "B")
            #expect(try await owen.get(path).status == .notFound)
            #expect(try await owen.post(path, [("okved", "01"), ("name", "x")], tokenFrom: "/prospects").status == .notFound)
            let still = try await app.services.prospectSearches.findSearch(search.id, scope: .tenant(member))
            #expect(still.criteria.okvedCodes == ["62.02"])
        }
    }

    @Test func pausingRemovesTheScheduleAndResumingBringsItBack() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let search = try await Self.scheduledSearch(app, member, days: 7)
            let manual = try await app.services.prospectSearches.saveSearch(
                member, name: "Вручную", criteria: ProspectSearchCriteria(okvedCodes: ["62"]), repeatEveryDays: nil)
            let base = "/prospects/searches/\(search.id.uuidString)"

            let nextRuns = try await app.services.prospectScheduling.nextRuns(of: [search, manual], companyID: member.companyID)
            let nextRun = try #require(nextRuns[search.id])
            #expect(nextRuns[manual.id] == nil)
            #expect(nextRun > Date().addingTimeInterval(6 * Self.day), "the first scheduled run is a period away")
            let list = try await anna.get("/prospects/searches")
            #expect(list.text.contains(DisplayFormat.dateTime(nextRun, .ru)), "the next run time shows")
            #expect(list.text.contains("action=\"\(base)/pause\""))
            #expect(!list.text.contains("action=\"\(base)/resume\""))
            #expect(!list.text.contains("/prospects/searches/\(manual.id.uuidString)/pause"), "a search by hand has nothing to pause")

            let paused = try await anna.post("\(base)/pause", [], tokenFrom: "/prospects/searches")
            #expect(paused.status == .seeOther && paused.location == "/prospects/searches")
            let afterPause = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(!afterPause, "pausing removes the schedule")
            let kept = try await app.services.prospectSearches.findSearch(search.id, scope: .tenant(member))
            #expect(kept.repeatEveryDays == 7, "the period stays for resuming")
            let pausedList = try await anna.get("/prospects/searches")
            #expect(pausedList.text.contains("data-paused"))
            #expect(pausedList.text.contains("action=\"\(base)/resume\""))
            #expect(!pausedList.text.contains("action=\"\(base)/pause\""))
            #expect(!pausedList.text.contains(DisplayFormat.dateTime(nextRun, .ru)))

            // Viewers and other tenants cannot resume it.
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            #expect(try await vera.post("\(base)/resume", [], tokenFrom: "/prospects/searches").status == .forbidden)
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "B")
            #expect(try await owen.post("\(base)/resume", [], tokenFrom: "/prospects").status == .notFound)
            let stillPaused = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(!stillPaused)

            let resumed = try await anna.post("\(base)/resume", [], tokenFrom: "/prospects/searches")
            #expect(resumed.status == .seeOther)
            let afterResume = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(afterResume, "resuming schedules it again")
            let interval = try await app.services.jobs.scheduledInterval(key: Self.scheduleKey(search))
            #expect(interval == 7 * Self.day)

            // Other tenants and viewers cannot pause it either.
            #expect(try await owen.post("\(base)/pause", [], tokenFrom: "/prospects").status == .notFound)
            #expect(try await vera.post("\(base)/pause", [], tokenFrom: "/prospects/searches").status == .forbidden)
            let stillScheduled = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(stillScheduled)

            // A search without a period is not scheduled by "resume".
            let nothing = try await anna.post("/prospects/searches/\(manual.id.uuidString)/resume", [], tokenFrom: "/prospects/searches")
            #expect(nothing.status == .seeOther)
            let manualScheduled = try await app.services.prospectScheduling.isScheduled(searchID: manual.id)
            #expect(!manualScheduled)

            for kind in ["prospects.search_paused", "prospects.search_resumed"] {
                let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: kind), page: 1)
                #expect(trail.events.count == 1, "\(kind)")
            }
        }
    }

    @Test func aRunsCriteriaAreSavedAsASearchFromItsPage() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let (run, _, _) = try await ProspectFlowTests.runWithResults(app, member)
            let path = "/prospects/runs/\(run.id.uuidString)"

            let page = try await anna.get(path)
            #expect(page.text.contains("action=\"\(path)/save\""), "a one-off run offers to be saved")

            let unnamed = try await anna.post("\(path)/save", [("name", ""), ("repeat_days", "")], tokenFrom: path)
            #expect(unnamed.location == path)
            let badPeriod = try await anna.post("\(path)/save", [("name", "ИТ"), ("repeat_days", "1000")], tokenFrom: path)
            #expect(badPeriod.location == path)
            let refusedPage = try await anna.get(path)
            #expect(refusedPage.text.contains(InboxFixtures.html(app, "validation_prospects_repeat_days", .ru)))
            let none = try await app.services.prospectSearches.searches(.tenant(member))
            #expect(none.isEmpty, "nothing saved from a mistake")

            let saved = try await anna.post("\(path)/save", [("name", "Москва ИТ"), ("repeat_days", "30")], tokenFrom: path)
            #expect(saved.status == .seeOther && saved.location == "/prospects/searches")
            let searches = try await app.services.prospectSearches.searches(.tenant(member))
            let search = try #require(searches.first)
            #expect(searches.count == 1 && search.name == "Москва ИТ" && search.repeatEveryDays == 30)
            #expect(search.criteria == run.criteria, "the run's criteria")
            let scheduled = try await app.services.prospectScheduling.isScheduled(searchID: search.id)
            #expect(scheduled)
            let interval = try await app.services.jobs.scheduledInterval(key: Self.scheduleKey(search))
            #expect(interval == 30 * Self.day)
            let list = try await anna.get("/prospects/searches")
            #expect(list.text.contains("Москва ИТ"))
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "prospects.search_saved"), page: 1)
            #expect(trail.events.count == 1)

            // A viewer sees no form and may not post it; another tenant gets a 404.
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            let veraPage = try await vera.get(path)
            #expect(veraPage.status == .ok && !veraPage.text.contains("\(path)/save"))
            #expect(try await vera.post("\(path)/save", [("name", "Зритель")], tokenFrom: "/prospects").status == .forbidden)
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "B")
            #expect(try await owen.post("\(path)/save", [("name", "Чужой")], tokenFrom: "/prospects").status == .notFound)
            let after = try await app.services.prospectSearches.searches(.tenant(member))
            #expect(after.count == 1)
        }
    }

    @Test func aFormThatComesBackNamesItsOKVEDCodes() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")

            let empty = try await anna.get("/prospects")
            #expect(empty.text.contains("data-okved-picked") && !empty.text.contains("<li data-code="), "nothing picked, nothing listed (yet)")
            #expect(empty.text.contains("data-region-filter=\"region\" hidden"), "the region filter waits for JavaScript")

            let wrong = try await anna.post("/prospects/search", [
                ("okved", "62.01, 6202, 99.99"), ("subtree", "1"), ("revenue_min", "много"), ("active", "1"),
            ], tokenFrom: "/prospects")
            #expect(wrong.status == .unprocessableContent)
            let html = wrong.text
            #expect(html.contains("value=\"62.01, 6202, 99.99\""), "the codes as typed stay in the field")
            #expect(html.contains("<li data-code=\"62.01\"><code>62.01</code> — Разработка компьютерного программного обеспечения</li>"),
                    "a code with no children has no subcodes to choose")
            let consulting = try #require(app.services.okved.entry("62.02"))
            #expect(html.contains("<li data-code=\"62.02\"><code>62.02</code> — \(HTMLEscape.escape(consulting.name)) <label>"), "6202 named as 62.02")
            #expect(html.contains("<input type=\"checkbox\" name=\"subtree_code\" value=\"62.02\" checked>"), "its own box, as the default says")
            #expect(!html.contains("data-code=\"99.99\""), "an unknown code has its field error, not a name")

            // Each code its own choice: 62 with its subtree, 46.51 (listed, left unticked) without.
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let started = try await anna.post("/prospects/search", [
                ("okved", "62, 46.51"), ("subtree", "1"), ("subtree_listed", "62"), ("subtree_code", "62"), ("subtree_listed", "46.51"), ("active", "1"),
            ], tokenFrom: "/prospects")
            #expect(started.status == .seeOther)
            let runs = try await app.services.prospectSearches.recentRuns(.tenant(member))
            let run = try #require(runs.first)
            #expect(run.criteria.okvedCodes == ["62", "46.51"])
            #expect(run.criteria.subtreeCodes == ["62"])
            let runPage = try await anna.get("/prospects/runs/\(run.id.uuidString)")
            let itName = try #require(app.services.okved.entry("62")).name
            #expect(runPage.text.contains("<code title=\"\(HTMLEscape.escape(itName))\">62+</code>"),
                    "the run marks the code that took its subcodes")
        }
    }
}
