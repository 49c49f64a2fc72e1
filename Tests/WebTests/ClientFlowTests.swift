import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// The client pages through the real app: adding a client by INN, the list's filters, order
/// and pages, the card with the source of every fact, the pipeline, notes (and their privacy
/// from the platform), enrichment requests and their live progress, who may do what, and what
/// another tenant sees (nothing).
@Suite struct ClientFlowTests {
    static let nbsp = "\u{00A0}"

    /// No company-data service configured (``ClientLookupFlowTests`` has the registry look-up):
    /// the client is added by its INN alone, with a notice, and enriched as asked.
    @Test func aClientIsAddedByAValidINNAndEnrichmentStarts() async throws {
        try await TestApp.run(configure: { $0.environment = [:] }) { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")

            let empty = try await anna.get("/clients")
            #expect(empty.status == .ok)
            #expect(empty.text.contains(InboxFixtures.html(app, "clients_empty", .ru)))
            #expect(empty.text.contains("href=\"/clients\""), "the main navigation leads here")
            #expect(try await anna.get("/clients/new").status == .ok)

            // A typo in the check digit: the field says so and keeps what was typed.
            let typo = try await anna.post("/clients", [("inn", ClientFixtures.mistypedINN)], tokenFrom: "/clients/new")
            #expect(typo.status == .unprocessableContent)
            #expect(typo.text.contains(InboxFixtures.html(app, "validation_company_number_checksum", .ru)))
            #expect(typo.text.contains("value=\"\(ClientFixtures.mistypedINN)\""))
            // Too few digits is another mistake with another message.
            let short = try await anna.post("/clients", [("inn", "77070838")], tokenFrom: "/clients/new")
            #expect(short.status == .unprocessableContent)
            #expect(short.text.contains(InboxFixtures.html(app, "validation_inn", .ru)))
            #expect(try await app.services.clients.list(.tenant(member), ClientListQuery()).totalCount == 0, "nothing was added")

            // Sberbank's INN, pasted with spaces.
            let added = try await anna.post("/clients", [("inn", "77 07 083893"), ("enrich_now", "1")], tokenFrom: "/clients/new")
            #expect(added.status == .seeOther)
            let page = try await app.services.clients.list(.tenant(member), ClientListQuery())
            #expect(page.totalCount == 1)
            let stored = try #require(page.clients.first)
            #expect(stored.inn == ClientFixtures.sberbankINN)
            #expect(added.location == "/clients/\(stored.id.uuidString)")
            let sber = try await app.services.clients.find(stored.id, scope: .tenant(member))
            #expect(sber.origin == .manual)
            #expect(sber.enrichment == .pending, "enrichment was asked for at once")
            let jobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            #expect(!jobs.isEmpty && jobs.allSatisfy { $0.companyID == member.companyID })
            #expect(jobs.map(\.payload).joined().lowercased().contains(stored.id.uuidString.lowercased()), "the job names the client")

            let card = try await anna.get("/clients/\(stored.id.uuidString)")
            #expect(card.status == .ok)
            #expect(card.text.contains(InboxFixtures.html(app, "flash_client_added_unchecked", .ru)), "the notice says it was not looked up")
            #expect(card.text.contains(ClientFixtures.sberbankINN))
            #expect(card.text.contains(InboxFixtures.html(app, "enrichment_state_pending", .ru)))

            // The same INN again: a field error that links to the client it already is.
            let again = try await anna.post("/clients", [("inn", ClientFixtures.sberbankINN)], tokenFrom: "/clients/new")
            #expect(again.status == .unprocessableContent)
            #expect(again.text.contains(InboxFixtures.html(app, "validation_client_exists", .ru)))
            #expect(again.text.contains("href=\"/clients/\(stored.id.uuidString)\" data-existing-client"))
            #expect(try await app.services.clients.list(.tenant(member), ClientListQuery()).totalCount == 1)
        }
    }

    @Test func theListFiltersAndSorts() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(1), region: "77", okved: "62.01",
                                                       revenue: 1_234_567, headcount: 12)
            let market = try await ClientFixtures.client(app, member, name: "Василёк Маркет", inn: ClientFixtures.inn(2), region: "50", okved: "47.11",
                                                         revenue: 500, headcount: 300)
            let bare = try await ClientFixtures.client(app, member, name: "Лютик", inn: ClientFixtures.inn(3))
            let (softID, marketID, bareID) = (soft.id.uuidString, market.id.uuidString, bare.id.uuidString)

            let list = try await anna.get("/clients")
            #expect(list.status == .ok)
            #expect(Set(ClientFixtures.clientLinks(list.text)) == [softID, marketID, bareID])
            #expect(list.text.contains("1\(Self.nbsp)234\(Self.nbsp)567\(Self.nbsp)₽"), "revenue in Russian digit groups")
            #expect(list.text.contains("<td>город Москва</td>"), "the region by name")
            #expect(list.text.contains(">62.01</code>"), "the OKVED code")
            #expect(list.text.contains("<td><span class=\"badge client-status-new\">\(InboxFixtures.html(app, "client_status_new", .ru))</span></td>"))
            #expect(list.text.contains("<td><span class=\"badge enrichment-not_started\">\(InboxFixtures.html(app, "enrichment_state_not_started", .ru))</span></td>"))

            // Filters: region, an OKVED class finding its subtree, words of the name, the INN's digits, a status.
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?region=77").text) == [softID])
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?okved=62").text) == [softID])
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?okved=47.11").text) == [marketID])
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?q=%D0%92%D0%B0%D1%81%D0%B8%D0%BB%D1%91%D0%BA").text) == [marketID])
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?q=\(ClientFixtures.inn(3))").text) == [bareID])
            _ = try await app.services.clients.setStatus(member, id: market.id, status: .won)
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?status=won").text) == [marketID])
            #expect(Set(ClientFixtures.clientLinks(try await anna.get("/clients?status=won&status=new").text)) == [marketID, softID, bareID])
            let region = try await anna.get("/clients?region=77")
            #expect(region.text.contains("<option value=\"77\" selected>"), "the filter stays chosen")

            // Codes the reference data does not know are field errors, not silently empty lists.
            let unknown = try await anna.get("/clients?okved=99.99")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains(InboxFixtures.html(app, "validation_okved_unknown", .ru)))
            #expect(unknown.text.contains("value=\"99.99\""), "what was typed stays")
            let section = try await anna.get("/clients?okved=J")
            #expect(section.status == .unprocessableContent)
            #expect(section.text.contains(InboxFixtures.html(app, "validation_okved_section", .ru)))
            let badRegion = try await anna.get("/clients?region=00")
            #expect(badRegion.status == .unprocessableContent)
            #expect(badRegion.text.contains(InboxFixtures.html(app, "validation_region_unknown", .ru)))

            // Order: the column links, both directions.
            #expect(list.text.contains("href=\"/clients?sort=revenue&amp;dir=desc\""), "revenue starts biggest first")
            #expect(list.text.contains("href=\"/clients?sort=name&amp;dir=asc\""))
            let byRevenue = ClientFixtures.clientLinks(try await anna.get("/clients?sort=revenue&dir=desc").text).filter { $0 != bareID }
            #expect(byRevenue == [softID, marketID])
            let byRevenueUp = try await anna.get("/clients?sort=revenue&dir=asc")
            #expect(ClientFixtures.clientLinks(byRevenueUp.text).filter { $0 != bareID } == [marketID, softID])
            #expect(byRevenueUp.text.contains("aria-sort=\"ascending\""))
            #expect(byRevenueUp.text.contains("href=\"/clients?sort=revenue&amp;dir=desc\""), "the sorted column's link turns the order round")
            let byHeadcount = ClientFixtures.clientLinks(try await anna.get("/clients?sort=headcount&dir=desc").text).filter { $0 != bareID }
            #expect(byHeadcount == [marketID, softID])
            let byName = ClientFixtures.clientLinks(try await anna.get("/clients?sort=name&dir=asc").text)
            let marketAt = try #require(byName.firstIndex(of: marketID))
            let softAt = try #require(byName.firstIndex(of: softID))
            #expect(marketAt < softAt, "В before Р")
            // A filter keeps the order through the form's hidden fields.
            #expect(byRevenueUp.text.contains("<input type=\"hidden\" name=\"sort\" value=\"revenue\">"))

            // English digits in English.
            try await anna.post("/locale", [("locale", "en"), ("return_to", "/clients")], tokenFrom: "/clients")
            let english = try await anna.get("/clients")
            #expect(english.text.contains("1,234,567\(Self.nbsp)₽"))
            #expect(english.text.contains(InboxFixtures.html(app, "clients_heading", .en)))
        }
    }

    @Test func theListPagesFiftyAtATime() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            for index in 0..<52 {
                try await ClientFixtures.client(app, member, name: "Компания \(index)", inn: ClientFixtures.inn(100 + index))
            }
            let first = try await anna.get("/clients")
            let firstLinks = ClientFixtures.clientLinks(first.text)
            #expect(firstLinks.count == 50)
            #expect(first.text.contains("Страница 1 из 2"))
            #expect(first.text.contains("href=\"/clients?page=2\" rel=\"next\""))
            #expect(!first.text.contains("rel=\"prev\""))
            let second = try await anna.get("/clients?page=2")
            let secondLinks = ClientFixtures.clientLinks(second.text)
            #expect(secondLinks.count == 2)
            #expect(second.text.contains("Страница 2 из 2"))
            #expect(second.text.contains("href=\"/clients\" rel=\"prev\""))
            #expect(Set(firstLinks + secondLinks).count == 52, "every client once")
            // A page past the end shows the last one.
            #expect(ClientFixtures.clientLinks(try await anna.get("/clients?page=9").text) == secondLinks)
        }
    }

    @Test func theCardShowsEveryFactWithItsSourceAndThePipelineMoves() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let fetched = try #require(DisplayFormat.parseDay("2026-03-05")).addingTimeInterval(12 * 3_600)
            var record = ClientFixtures.record(inn: ClientFixtures.inn(7), name: "Ромашка Софт", region: "77", okved: "62.01", revenue: 1_234_567,
                                               headcount: 12, fetchedAt: fetched)
            record.address = Sourced("г. Москва, ул. Лесная, д. 5", source: .daData, fetchedAt: fetched)
            let soft = try await app.services.clients.create(member, record: record, origin: .search)
            let charge = try await ClientFixtures.enrich(app, soft, contacts: ClientFixtures.contacts(fetchedAt: fetched))
            #expect(charge != nil, "contacts were found: the client is charged")

            let card = try await anna.get("/clients/\(soft.id.uuidString)")
            #expect(card.status == .ok)
            let html = card.text
            // Company data with its source and date.
            #expect(html.contains("Общество с ограниченной ответственностью Ромашка Софт"))
            #expect(html.contains("г. Москва, ул. Лесная, д. 5"))
            #expect(html.contains("DaData · 05.03.2026"), "source and date beside the fact")
            #expect(html.contains("Checko · 05.03.2026"))
            #expect(html.contains("62.01 — Разработка компьютерного программного обеспечения"), "the OKVED code with its name")
            #expect(html.contains("77 — город Москва"))
            #expect(html.contains(InboxFixtures.html(app, "company_status_active", .ru)))
            // Contacts as links, each with the page it was found on.
            #expect(html.contains("href=\"https://romashka-soft.ru\""), "the website, as a link")
            #expect(html.contains("href=\"mailto:info@romashka-soft.ru\""))
            #expect(html.contains("href=\"tel:+74951234567\""))
            #expect(html.contains("href=\"https://romashka-soft.ru/contacts\""), "the source page")
            #expect(html.contains("Веб-поиск · 05.03.2026"))
            // Decision makers.
            #expect(html.contains("Иванов Пётр Сергеевич") && html.contains("Генеральный директор"))
            #expect(html.contains("500100732259"))
            #expect(html.contains("14.03.1975"))
            #expect(html.contains("href=\"mailto:ivanov@romashka-soft.ru\"") && html.contains("href=\"tel:+74951234568\""))
            #expect(html.contains("href=\"https://romashka-soft.ru/team\""))
            #expect(html.contains("Петрова Анна Игоревна"))
            #expect(!html.contains("javascript:"), "a source that is not a web page is never a link")
            #expect(html.contains(InboxFixtures.html(app, "enrichment_state_succeeded", .ru)))

            // The pipeline: every step offered, the current one marked, a step saved.
            for status in ClientStatus.allCases {
                #expect(html.contains("name=\"status\" type=\"radio\" value=\"\(status.rawValue)\""), "\(status)")
            }
            let moved = try await anna.post("/clients/\(soft.id.uuidString)/status", [("status", "contacted")], tokenFrom: "/clients/\(soft.id.uuidString)")
            #expect(moved.status == .seeOther)
            #expect(moved.location == "/clients/\(soft.id.uuidString)")
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .contacted)
            let after = try await anna.get("/clients/\(soft.id.uuidString)")
            #expect(after.text.contains(InboxFixtures.html(app, "flash_client_status_saved", .ru)))
            #expect(after.text.contains("value=\"contacted\" checked"))
            let nonsense = try await anna.post("/clients/\(soft.id.uuidString)/status", [("status", "bribed")], tokenFrom: "/clients/\(soft.id.uuidString)")
            #expect(nonsense.status == .seeOther)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .contacted, "an unknown step changes nothing")
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "client.status_changed"), page: 1)
            #expect(trail.events.first?.details["to"] == "contacted")

            // The owner removes the client.
            let removed = try await anna.post("/clients/\(soft.id.uuidString)/delete", [], tokenFrom: "/clients/\(soft.id.uuidString)")
            #expect(removed.location == "/clients")
            #expect(try await anna.get("/clients/\(soft.id.uuidString)").status == .notFound)
        }
    }

    /// The worker stores a reason as a code with its values; the card words it in the visitor's
    /// language, and a reason stored as plain text (older rows) is shown as it is.
    @Test func theCardWordsTheEnrichmentReasonInTheVisitorsLanguage() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(7))
            try await app.services.clients.markEnrichmentFailed(soft.id, companyID: member.companyID,
                                                                reason: ProspectProblem.quotaUsedUp(used: 5, limit: 5).stored)
            let older = try await ClientFixtures.client(app, member, name: "Василёк Тех", inn: ClientFixtures.inn(8))
            try await app.services.clients.markEnrichmentFailed(older.id, companyID: member.companyID, reason: "dadata: quota exhausted: лимит")

            let card = try await anna.get("/clients/\(soft.id.uuidString)")
            #expect(card.status == .ok)
            #expect(card.text.contains("<dd class=\"field-error\" data-enrichment-error>Месячный лимит обогащений исчерпан (5 из 5)</dd>"), "\(card.text)")
            #expect(!card.text.contains(ProspectProblem.prefix), "the stored form never reaches the page")
            let olderCard = try await anna.get("/clients/\(older.id.uuidString)")
            #expect(olderCard.text.contains("data-enrichment-error>dadata: quota exhausted: лимит</dd>"))

            try await anna.post("/locale", [("locale", "en"), ("return_to", "/clients")], tokenFrom: "/clients")
            let english = try await anna.get("/clients/\(soft.id.uuidString)")
            #expect(english.text.contains("data-enrichment-error>Monthly enrichment limit used up (5 of 5)</dd>"))
        }
    }

    @Test func notesAreWrittenRemovedAndNeverShownToThePlatform() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(11))
            let cardPath = "/clients/\(soft.id.uuidString)"
            let secret = "Директор просил перезвонить в четверг после 15:00"

            let blank = try await anna.post("\(cardPath)/notes", [("note_body", "   ")], tokenFrom: cardPath)
            #expect(blank.status == .unprocessableContent)
            #expect(blank.text.contains(InboxFixtures.html(app, "validation_required", .ru)))
            let long = String(repeating: "а", count: ClientNote.maximumLength + 1)
            let tooLong = try await anna.post("\(cardPath)/notes", [("note_body", long)], tokenFrom: cardPath)
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.text.contains(InboxFixtures.html(app, "validation_note_too_long", .ru)))
            #expect(tooLong.text.contains(">\(long)</textarea>"), "what was typed stays")
            #expect(try await app.services.clientNotes.list(member, clientID: soft.id).isEmpty)

            let added = try await anna.post("\(cardPath)/notes", [("note_body", secret)], tokenFrom: cardPath)
            #expect(added.status == .seeOther)
            let notes = try await app.services.clientNotes.list(member, clientID: soft.id)
            #expect(notes.map(\.body) == [secret])
            let card = try await anna.get(cardPath)
            #expect(card.text.contains(secret))
            #expect(card.text.contains("Анна Петрова"), "the author")

            // The platform console shows the client, never the note.
            let root = try await ClientFixtures.superAdmin(app, client)
            let tenantPage = try await root.get("/admin/tenants/\(member.companyID.uuidString)")
            #expect(tenantPage.text.contains("href=\"/admin/tenants/\(member.companyID.uuidString)/clients\""))
            let consoleList = try await root.get("/admin/tenants/\(member.companyID.uuidString)/clients")
            #expect(consoleList.status == .ok)
            #expect(consoleList.text.contains("Ромашка Софт"))
            #expect(!consoleList.text.contains("name=\"ids\""), "the console changes nothing")
            let consoleCard = try await root.get("/admin/tenants/\(member.companyID.uuidString)/clients/\(soft.id.uuidString)")
            #expect(consoleCard.status == .ok)
            #expect(consoleCard.text.contains("Ромашка Софт"))
            #expect(consoleCard.text.contains(InboxFixtures.html(app, "client_notes_private", .ru)))
            #expect(!consoleCard.text.contains(secret), "notes are the tenant's alone")
            #expect(!consoleCard.text.contains("name=\"note_body\"") && !consoleCard.text.contains("/status\""))
            // The tenant's own pages are not the platform's way in.
            #expect(try await root.get(cardPath).status == .notFound)
            #expect(try await root.post("\(cardPath)/notes", [("note_body", "x")], tokenFrom: "/admin/tenants").status == .notFound)
            // Nor is the audit trail, which the platform reads: the request is there, its text is not.
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(), page: 1, pageSize: 500)
            #expect(trail.events.contains { $0.path == "\(cardPath)/notes" && $0.method == "POST" })
            #expect(!trail.events.flatMap { $0.details.values }.joined(separator: " ").contains(secret))
            #expect(!(try await root.get("/audit").text.contains(secret)))

            let note = try #require(notes.first)
            let deleted = try await anna.post("\(cardPath)/notes/\(note.id.uuidString)/delete", [], tokenFrom: cardPath)
            #expect(deleted.status == .seeOther)
            #expect(try await app.services.clientNotes.list(member, clientID: soft.id).isEmpty)
            #expect(!(try await anna.get(cardPath).text.contains(secret)))
            // A note id under another client of the same tenant names nothing.
            let other = try await ClientFixtures.client(app, member, name: "Другая", inn: ClientFixtures.inn(12))
            let kept = try await app.services.clientNotes.add(member, clientID: soft.id, body: "Вторая заметка")
            #expect(try await anna.post("/clients/\(other.id.uuidString)/notes/\(kept.id.uuidString)/delete", [], tokenFrom: cardPath).status == .notFound)
            #expect(try await app.services.clientNotes.list(member, clientID: soft.id).count == 1)
        }
    }

    @Test func viewersReadButChangeNothing() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(21))
            let note = try await app.services.clientNotes.add(member, clientID: soft.id, body: "Заметка владельца")
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            let cardPath = "/clients/\(soft.id.uuidString)"

            let list = try await vera.get("/clients")
            #expect(list.status == .ok)
            #expect(list.text.contains("Ромашка Софт"))
            #expect(!list.text.contains("name=\"ids\"") && !list.text.contains("href=\"/clients/new\""), "nothing to change is offered")
            let card = try await vera.get(cardPath)
            #expect(card.status == .ok)
            #expect(card.text.contains("Заметка владельца"), "viewers read notes")
            #expect(!card.text.contains("name=\"note_body\""))
            #expect(try await vera.get("/clients/new").status == .forbidden)
            #expect(try await ClientFixtures.progress(vera).total == 1, "progress can be read")
            let posts: [(String, [(String, String)])] = [
                ("/clients", [("inn", ClientFixtures.sberbankINN)]),
                ("\(cardPath)/status", [("status", "won")]),
                ("\(cardPath)/notes", [("note_body", "Заметка зрителя")]),
                ("\(cardPath)/notes/\(note.id.uuidString)/delete", []),
                ("\(cardPath)/enrich", []),
                ("\(cardPath)/delete", []),
                ("/clients/enrich", [("scope", "all"), ("filter", "")]),
            ]
            for (path, fields) in posts {
                #expect(try await vera.post(path, fields, tokenFrom: "/clients").status == .forbidden, "viewer POST \(path)")
            }
            let unchanged = try await app.services.clients.find(soft.id, scope: .tenant(member))
            #expect(unchanged.status == .new && unchanged.enrichment == .notStarted)
            #expect(try await app.services.clientNotes.list(member, clientID: soft.id).map(\.body) == ["Заметка владельца"])
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty)

            // A manager works with clients but does not remove them.
            let max = try await ClientFixtures.colleague(app, client, owner: anna, email: "max@romashka.ru", role: "manager")
            #expect(try await max.post("\(cardPath)/status", [("status", "contacted")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await max.post("\(cardPath)/notes", [("note_body", "Заметка менеджера")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await max.post("\(cardPath)/notes/\(note.id.uuidString)/delete", [], tokenFrom: cardPath).status == .forbidden,
                    "another author's note")
            #expect(try await max.post("\(cardPath)/delete", [], tokenFrom: cardPath).status == .forbidden)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .contacted)
        }
    }

    @Test func enrichButtonsQueueJobsAndProgressIsLive() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let moscowA = try await ClientFixtures.client(app, member, name: "Москва А", inn: ClientFixtures.inn(31), region: "77")
            let moscowB = try await ClientFixtures.client(app, member, name: "Москва Б", inn: ClientFixtures.inn(32), region: "77")
            let oblast = try await ClientFixtures.client(app, member, name: "Область", inn: ClientFixtures.inn(33), region: "50")
            let state = { (client: Client) async throws -> EnrichmentState in
                try await app.services.clients.find(client.id, scope: .tenant(member)).enrichment
            }

            let idle = try await anna.get("/clients")
            #expect(idle.text.contains("data-pending=\"0\""), "nothing waits: no polling")
            #expect(idle.text.contains("data-enrichment=\"not_started\">3<"))
            #expect(try await ClientFixtures.progress(anna).pending == 0)

            // "Enrich all matching" with the list's filter: Moscow only.
            let all = try await anna.post("/clients/enrich", [("scope", "all"), ("filter", "region=77")], tokenFrom: "/clients?region=77")
            #expect(all.status == .seeOther)
            #expect(all.location?.hasPrefix("/clients?region=77&batch=") == true, "back to the same list, following the request: \(all.location ?? "nil")")
            #expect(try await state(moscowA) == .pending)
            #expect(try await state(moscowB) == .pending)
            #expect(try await state(oblast) == .notStarted)
            let allJobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            let allPayloads = allJobs.map(\.payload).joined().lowercased()
            #expect(allPayloads.contains(moscowA.id.uuidString.lowercased()) && allPayloads.contains(moscowB.id.uuidString.lowercased()))
            #expect(!allPayloads.contains(oblast.id.uuidString.lowercased()))
            #expect(allJobs.allSatisfy { $0.companyID == member.companyID })

            let waiting = try await anna.get("/clients")
            #expect(waiting.text.contains(InboxFixtures.html(app, "flash_clients_enrichment_queued", .ru)))
            #expect(waiting.text.contains("data-pending=\"2\""), "app.js polls while clients wait")
            #expect(waiting.text.contains("data-enrichment-progress=\"/clients/enrichment-progress.json\""))
            var progress = try await ClientFixtures.progress(anna)
            #expect(progress.pending == 2 && progress.counts["pending"] == 2 && progress.counts["not_started"] == 1 && progress.total == 3)

            // Again: the two already waiting are not queued twice.
            let twice = try await anna.post("/clients/enrich", [("scope", "all"), ("filter", "region=77")], tokenFrom: "/clients")
            #expect(twice.status == .seeOther)
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty)
            #expect(try await anna.get("/clients").text.contains(InboxFixtures.html(app, "flash_clients_enrichment_nothing", .ru)))

            // "Enrich selected": the ticked row.
            let selected = try await anna.post("/clients/enrich", [("scope", "selected"), ("ids", oblast.id.uuidString), ("filter", "")], tokenFrom: "/clients")
            #expect(selected.status == .seeOther)
            #expect(try await state(oblast) == .pending)
            let selectedJobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            #expect(selectedJobs.map(\.payload).joined().lowercased().contains(oblast.id.uuidString.lowercased()))

            // The card's button queues even a client that waits: a person asked again.
            let one = try await anna.post("/clients/\(moscowA.id.uuidString)/enrich", [], tokenFrom: "/clients/\(moscowA.id.uuidString)")
            #expect(one.location == "/clients/\(moscowA.id.uuidString)")
            let oneJobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            #expect(oneJobs.map(\.payload).joined().lowercased().contains(moscowA.id.uuidString.lowercased()))

            // The job finishes one: the figures follow.
            try await ClientFixtures.enrich(app, moscowA)
            progress = try await ClientFixtures.progress(anna)
            #expect(progress.counts["succeeded"] == 1 && progress.pending == 2)

            // The list states the cap of "enrich all".
            #expect(try await anna.get("/clients").text.contains("10\(Self.nbsp)000"))
        }
    }

    /// A client left "pending" by a job that died waits for nothing: no "running" banner, and the
    /// bulk buttons take it again; while a job is live they leave it alone.
    @Test func pendingClientsWithoutALiveJobAreEnrichedAgainByTheBulkButtons() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let stuck = try await ClientFixtures.client(app, member, name: "Застрявший", inn: ClientFixtures.inn(35), region: "77")
            try await app.services.clients.markEnrichmentPending(companyID: member.companyID, ids: [stuck.id], reason: nil)

            let list = try await anna.get("/clients")
            #expect(list.text.contains("data-pending=\"0\""), "nothing works on it: no polling")
            #expect(!list.text.contains("data-enrichment-running>"), "no banner for a run that is over")
            #expect(list.text.contains("data-enrichment=\"pending\">1<"), "the figure still counts it")
            let idle = try await ClientFixtures.progress(anna)
            #expect(idle.pending == 1 && !idle.running)

            let selected = try await anna.post("/clients/enrich", [("scope", "selected"), ("ids", stuck.id.uuidString), ("filter", "")], tokenFrom: "/clients")
            #expect(selected.status == .seeOther)
            #expect(try await anna.get("/clients").text.contains(InboxFixtures.html(app, "flash_clients_enrichment_queued", .ru)))
            let jobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            #expect(jobs.map(\.payload).joined().lowercased().contains(stuck.id.uuidString.lowercased()))
            #expect(try await ClientFixtures.progress(anna).running, "the claimed job is live")

            // Now a job is live: the same click queues nothing.
            _ = try await anna.post("/clients/enrich", [("scope", "all"), ("filter", "")], tokenFrom: "/clients")
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty)
            #expect(try await anna.get("/clients").text.contains(InboxFixtures.html(app, "flash_clients_enrichment_nothing", .ru)))
        }
    }

    /// The batch figures of the progress document (`?batch=`).
    struct BatchProgress: Decodable {
        struct Figures: Decodable {
            let counts: [String: Int]
            let pending: Int
            let total: Int
        }
        let batch: Figures?
        let running: Bool
    }

    static func batchProgress(_ browser: Browser, _ location: String) async throws -> BatchProgress {
        let batch = try #require(location.components(separatedBy: "batch=").last)
        let response = try await browser.get("/clients/enrichment-progress.json?batch=\(batch)")
        #expect(response.status == .ok)
        return try JSONDecoder().decode(BatchProgress.self, from: Data(response.text.utf8))
    }

    @Test func theRenewalDayIsTheFirstOfTheNextMonthInEachLanguage() {
        #expect(ClientEnrichmentController.renewalDay(of: "2026-11", .ru) == "1 декабря")
        #expect(ClientEnrichmentController.renewalDay(of: "2026-11", .en) == "1 December")
        #expect(ClientEnrichmentController.renewalDay(of: "2026-12", .ru) == "1 января")
        #expect(ClientEnrichmentController.renewalDay(of: "2026-13", .en) == nil)
    }

    /// "Enrich all" asks for more clients than the month's quota has left: only as many as it
    /// allows are queued, the flash says so with the renewal day, and the list follows that
    /// request's own clients until they are done. With the quota used up nothing is queued.
    @Test func bulkEnrichmentQueuesNoMoreThanTheQuotaLeftAndFollowsItsBatch() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            var made: [Client] = []
            for seed in 51...55 {
                made.append(try await ClientFixtures.client(app, member, name: "Клиент \(seed)", inn: ClientFixtures.inn(seed)))
            }
            // One enriched already (and charged); three more allowed this month: two left.
            try await ClientFixtures.enrich(app, made[0])
            try await app.services.enrichmentQuota.setMonthlyLimit(companyID: member.companyID, limit: 3)
            let quota = try await app.services.enrichmentQuota.quota(companyID: member.companyID)
            #expect(quota.remaining == 2)
            let renews = try #require(ClientEnrichmentController.renewalDay(of: quota.period, .ru))

            let all = try await anna.post("/clients/enrich", [("scope", "all"), ("filter", "")], tokenFrom: "/clients")
            #expect(all.status == .seeOther)
            let location = try #require(all.location)
            #expect(location.hasPrefix("/clients?batch="), "\(location)")
            let jobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            #expect(jobs.count == 2, "as many as the quota has left")
            let pending = try await app.services.clients.list(.tenant(member), ClientListQuery(enrichment: .pending)).clients
            #expect(pending.count == 2)

            let page = try await anna.get(location)
            let limited = app.services.renderer.localizer.text("flash_clients_enrichment_quota_limited", .ru)
                .replacingOccurrences(of: "{queued}", with: "2").replacingOccurrences(of: "{asked}", with: "5")
                .replacingOccurrences(of: "{remaining}", with: "2").replacingOccurrences(of: "{renews}", with: renews)
            #expect(page.text.contains(LocalizedTemplates.escape(limited)), "the flash says how many and until when")
            #expect(page.text.contains("data-enrichment-batch"), "the request's own figures")
            #expect(page.text.contains("data-enrichment-progress=\"/clients/enrichment-progress.json?batch="))
            #expect(page.text.contains("data-pending=\"2\""), "app.js polls while the request's clients wait")
            var progress = try await Self.batchProgress(anna, location)
            #expect(progress.batch?.total == 2 && progress.batch?.pending == 2)
            #expect(progress.running)

            // One found contacts, the other failed: the request is over.
            let first = try await app.services.clients.find(pending[0].id, scope: .tenant(member))
            try await ClientFixtures.enrich(app, first)
            try await app.services.clients.markEnrichmentFailed(pending[1].id, companyID: member.companyID,
                                                                reason: ProspectProblem.unusableAnswer("garbage").stored)
            progress = try await Self.batchProgress(anna, location)
            #expect(progress.batch?.counts["succeeded"] == 1 && progress.batch?.counts["failed"] == 1 && progress.batch?.pending == 0)
            #expect(progress.batch?.total == 2, "the tenant's other clients are not the request's")
            let over = try await anna.get(location)
            #expect(over.text.contains("data-pending=\"0\""))
            #expect(over.text.contains("data-batch-done>"), "shown at once, no reload needed")
            #expect(over.text.contains("href=\"/clients?enrichment=failed\" data-batch-failed>"), "the way to the failed one")
            #expect(!over.text.contains("data-enrichment-done"), "no reload link")

            // Now the month's quota is used up: nothing is queued, and the page says so.
            try await app.services.enrichmentQuota.setMonthlyLimit(companyID: member.companyID, limit: 2)
            #expect(try await app.services.enrichmentQuota.quota(companyID: member.companyID).remaining == 0)
            let none = try await anna.post("/clients/enrich", [("scope", "selected"), ("ids", made[4].id.uuidString), ("filter", "")],
                                           tokenFrom: "/clients")
            #expect(none.location == "/clients", "no batch to follow")
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty)
            let usedUp = app.services.renderer.localizer.text("flash_clients_enrichment_quota_used_up", .ru)
                .replacingOccurrences(of: "{limit}", with: "2").replacingOccurrences(of: "{renews}", with: renews)
            #expect(try await anna.get("/clients").text.contains(LocalizedTemplates.escape(usedUp)))
        }
    }

    @Test func anotherTenantFindsNoTraceOfTheClient() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@a.ru", company: "А")
            let memberA = try await InboxFixtures.member(app, email: "anna@a.ru")
            let soft = try await ClientFixtures.client(app, memberA, name: "Клиент тенанта А", inn: ClientFixtures.inn(41))
            let note = try await app.services.clientNotes.add(memberA, clientID: soft.id, body: "Заметка тенанта А")
            let cardPath = "/clients/\(soft.id.uuidString)"

            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "Б")
            let memberB = try await InboxFixtures.member(app, email: "owen@b.ru")
            let list = try await owen.get("/clients")
            #expect(list.status == .ok)
            #expect(!list.text.contains("Клиент тенанта А"))
            #expect(try await owen.get(cardPath).status == .notFound)
            let posts: [(String, [(String, String)])] = [
                ("\(cardPath)/status", [("status", "won")]),
                ("\(cardPath)/notes", [("note_body", "чужая")]),
                ("\(cardPath)/notes/\(note.id.uuidString)/delete", []),
                ("\(cardPath)/enrich", []),
                ("\(cardPath)/delete", []),
            ]
            for (path, fields) in posts {
                #expect(try await owen.post(path, fields, tokenFrom: "/clients").status == .notFound, "B POST \(path)")
            }
            #expect(try await owen.get("/admin/tenants/\(memberA.companyID.uuidString)/clients").status == .notFound)
            #expect(try await owen.get("/admin/tenants/\(memberA.companyID.uuidString)/clients/\(soft.id.uuidString)").status == .notFound)
            // Ticking another tenant's id queues nothing.
            let smuggled = try await owen.post("/clients/enrich", [("scope", "selected"), ("ids", soft.id.uuidString)], tokenFrom: "/clients")
            #expect(smuggled.status == .seeOther)
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty)
            // B may have the same company as a client of its own.
            #expect(try await owen.post("/clients", [("inn", ClientFixtures.inn(41))], tokenFrom: "/clients/new").status == .seeOther)
            #expect(try await app.services.clients.list(.tenant(memberB), ClientListQuery()).totalCount == 1)

            let untouched = try await app.services.clients.find(soft.id, scope: .tenant(memberA))
            #expect(untouched.status == .new && untouched.enrichment == .notStarted)
            #expect(try await app.services.clientNotes.list(memberA, clientID: soft.id).map(\.body) == ["Заметка тенанта А"])
            // The console does not mix tenants in one path either.
            let root = try await ClientFixtures.superAdmin(app, client)
            #expect(try await root.get("/admin/tenants/\(memberB.companyID.uuidString)/clients/\(soft.id.uuidString)").status == .notFound)
            #expect(try await root.get("/admin/tenants/\(memberA.companyID.uuidString)/clients/\(soft.id.uuidString)").status == .ok)
        }
    }
}
