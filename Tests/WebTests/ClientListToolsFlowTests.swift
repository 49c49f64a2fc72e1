import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing
@testable import Web

/// The client list's tools through the real app: "select all on this page", changing the status
/// of the ticked clients, the CSV export of every matching client, and the "has …" filters.
@Suite struct ClientListToolsFlowTests {
    @Test func selectAllIsOfferedToThoseWhoMayTickRowsAndHiddenUntilScriptShowsIt() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(1))

            let list = try await anna.get("/clients")
            #expect(list.status == .ok)
            let toggle = "<input type=\"checkbox\" data-select-all=\"clients-enrich-form\" aria-label=\"\(InboxFixtures.html(app, "clients_select_all_page", .ru))\" hidden>"
            #expect(list.text.contains(toggle), "served hidden: without JavaScript only the row boxes show")
            #expect(list.text.contains("name=\"ids\"") && list.text.contains("form=\"clients-enrich-form\""), "the row boxes still work alone")
            #expect(list.text.contains("formaction=\"/clients/status\""))
            #expect(!list.text.contains("<script>"), "no inline script")
            let script = try await anna.get("/public/app.js")
            #expect(script.text.contains("data-select-all"))

            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            let viewersList = try await vera.get("/clients")
            #expect(!viewersList.text.contains("data-select-all") && !viewersList.text.contains("formaction=\"/clients/status\""))
        }
    }

    @Test func theTickedClientsChangeStatusAndAViewerOrAnotherTenantChangesNothing() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(1), region: "77")
            let market = try await ClientFixtures.client(app, member, name: "Василёк Маркет", inn: ClientFixtures.inn(2))
            let bare = try await ClientFixtures.client(app, member, name: "Лютик", inn: ClientFixtures.inn(3))
            _ = try await app.services.clients.setStatus(member, id: market.id, status: .won)

            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            let refused = try await vera.post("/clients/status", [("status", "lost"), ("ids", soft.id.uuidString), ("filter", "")], tokenFrom: "/clients")
            #expect(refused.status == .forbidden)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .new)

            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "Б")
            let smuggled = try await owen.post("/clients/status", [("status", "lost"), ("ids", soft.id.uuidString), ("filter", "")], tokenFrom: "/clients")
            #expect(smuggled.status == .seeOther)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .new, "another tenant's id is skipped")

            let max = try await ClientFixtures.colleague(app, client, owner: anna, email: "max@romashka.ru", role: "manager")
            let moved = try await max.post("/clients/status", [
                ("status", "contacted"), ("ids", soft.id.uuidString), ("ids", market.id.uuidString), ("filter", "region=77"),
            ], tokenFrom: "/clients")
            #expect(moved.status == .seeOther)
            #expect(moved.location == "/clients?region=77", "back to the list with its filters")
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .contacted)
            #expect(try await app.services.clients.find(market.id, scope: .tenant(member)).status == .contacted)
            #expect(try await app.services.clients.find(bare.id, scope: .tenant(member)).status == .new, "an unticked client stays")
            let after = try await max.get("/clients?region=77")
            let changed = app.services.renderer.localizer.text("flash_clients_status_changed", .ru, values: ["count": "2", "selected": "2"])
            #expect(after.text.contains(HTMLEscape.escape(changed)), "\(changed)")
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "client.status_changed_bulk"), page: 1)
            #expect(trail.events.first?.details["count"] == "2" && trail.events.first?.details["to"] == "contacted")

            let unknown = try await max.post("/clients/status", [("status", "bribed"), ("ids", bare.id.uuidString), ("filter", "")], tokenFrom: "/clients")
            #expect(unknown.status == .seeOther)
            #expect(try await app.services.clients.find(bare.id, scope: .tenant(member)).status == .new, "an unknown stage changes nothing")
        }
    }

    @Test func theCSVHoldsEveryMatchingClientQuotedAndGuardedAndNoOtherTenants() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка; \"Софт\"", inn: ClientFixtures.inn(1), region: "77", okved: "62.01",
                                                       revenue: 1_234_567, headcount: 12)
            try await ClientFixtures.enrich(app, soft)
            let formula = try await ClientFixtures.client(app, member, name: "=HYPERLINK(\"http://evil\")", inn: ClientFixtures.inn(2))
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "Б")
            let memberB = try await InboxFixtures.member(app, email: "owen@b.ru")
            try await ClientFixtures.client(app, memberB, name: "Клиент тенанта Б", inn: ClientFixtures.inn(3))

            let list = try await anna.get("/clients?region=77")
            #expect(list.text.contains("href=\"/clients/export.csv?region=77\""), "the export link keeps the filters")

            let all = try await anna.get("/clients/export.csv")
            #expect(all.status == .ok)
            #expect(all.headers[.contentType] == "text/csv; charset=utf-8")
            let disposition = try #require(all.headers[.contentDisposition])
            #expect(disposition.contains(/attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"/))
            #expect(Array(all.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with a byte order mark")
            let lines = String(String.UnicodeScalarView(all.text.unicodeScalars.dropFirst())).components(separatedBy: "\r\n")
            let headings = ClientExportController.headings { app.services.renderer.localizer.text($0, .ru) }
            #expect(headings.count == 12 && headings.first == "ИНН" && headings.last == "Добавлен")
            #expect(lines.first == headings.joined(separator: ";"), "the headings in the visitor's language, ; between cells")
            #expect(lines.count == 4 && lines.last == "", "a heading, two clients, and the last line's end")
            let softLine = try #require(lines.first { $0.hasPrefix(ClientFixtures.inn(1) + ";") })
            #expect(softLine.hasPrefix("\(ClientFixtures.inn(1));\"Ромашка; \"\"Софт\"\"\";"), "RFC 4180 quoting of ; and \"")
            #expect(softLine.contains(";77 — "), "the region's code and name")
            #expect(softLine.contains(";62.01;1234567;12;romashka-soft.ru;info@romashka-soft.ru;'+74951234567;"), "figures as digits; a leading + guarded")
            #expect(softLine.contains("Иванов Пётр Сергеевич — Генеральный директор; Петрова Анна Игоревна — Коммерческий директор"))
            let formulaLine = try #require(lines.first { $0.hasPrefix(ClientFixtures.inn(2) + ";") })
            #expect(formulaLine.hasPrefix("\(ClientFixtures.inn(2));\"'=HYPERLINK(\"\"http://evil\"\")\";"), "a formula never reaches the spreadsheet")
            #expect(!all.text.contains("Клиент тенанта Б"), "another tenant's clients are absent")
            #expect(formula.name.hasPrefix("="))

            // The filters of the list: only the client with an e-mail, only the region's.
            let withEmail = try await anna.get("/clients/export.csv?has_email=1")
            #expect(withEmail.text.contains(ClientFixtures.inn(1)) && !withEmail.text.contains(ClientFixtures.inn(2)))
            let otherRegion = try await anna.get("/clients/export.csv?region=50")
            #expect(!otherRegion.text.contains(ClientFixtures.inn(1)) && !otherRegion.text.contains(ClientFixtures.inn(2)))
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "clients.exported"), page: 1)
            #expect(trail.events.compactMap { $0.details["count"] }.sorted() == ["0", "1", "2"], "each export audited with its count")

            // Viewers read the list, so they may export it; the other tenant gets only its own.
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            let viewers = try await vera.get("/clients/export.csv")
            #expect(viewers.status == .ok && viewers.text.contains(ClientFixtures.inn(1)))
            let owens = try await owen.get("/clients/export.csv")
            #expect(owens.text.contains("Клиент тенанта Б") && !owens.text.contains(ClientFixtures.inn(1)))
        }
    }

    @Test func theHasContactFiltersNarrowTheList() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(1))
            try await ClientFixtures.enrich(app, soft)
            let bare = try await ClientFixtures.client(app, member, name: "Лютик", inn: ClientFixtures.inn(2))

            #expect(Set(ClientFixtures.clientLinks(try await anna.get("/clients").text)) == [soft.id.uuidString, bare.id.uuidString])
            for filter in ["has_email=1", "has_phone=1", "has_decision_maker=1"] {
                let page = try await anna.get("/clients?\(filter)")
                #expect(ClientFixtures.clientLinks(page.text) == [soft.id.uuidString], "\(filter)")
                #expect(page.text.contains("name=\"\(filter.dropLast(2))\" type=\"checkbox\" value=\"1\" checked"), "the box stays ticked")
            }
        }
    }
}
