import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// The client card's hand edits through the real app: contacts and decision makers added,
/// corrected and removed with their errors next to the fields, the status history with the
/// reason a client was lost, the enrichment-state document the card polls, and who may do it.
@Suite struct ClientCardEditingFlowTests {
    @Test func contactsAreAddedCorrectedAndRemovedWithTheirErrorsNextToTheFields() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(51))
            let cardPath = "/clients/\(soft.id.uuidString)"

            // A bad address: the card comes back with the message under the add field and what was typed.
            let bad = try await anna.post("\(cardPath)/contacts", [("kind", "email"), ("value", "sales@")], tokenFrom: cardPath)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("id=\"value-email-0-error\">\(InboxFixtures.html(app, "validation_email", .ru))</p>"))
            #expect(bad.text.contains("value=\"sales@\""))
            let badPhone = try await anna.post("\(cardPath)/contacts", [("kind", "phone"), ("value", "123")], tokenFrom: cardPath)
            #expect(badPhone.status == .unprocessableContent)
            #expect(badPhone.text.contains("id=\"value-phone-0-error\">\(InboxFixtures.html(app, "validation_phone", .ru))</p>"))
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).contacts == .none, "nothing was stored")

            // Good values: normalised, marked as typed in by Anna.
            #expect(try await anna.post("\(cardPath)/contacts", [("kind", "email"), ("value", " Sales@Romashka.RU ")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await anna.post("\(cardPath)/contacts", [("kind", "phone"), ("value", "8 (495) 123-45-67")], tokenFrom: cardPath).status == .seeOther)
            var stored = try await app.services.clients.find(soft.id, scope: .tenant(member))
            #expect(stored.contacts.emails.map(\.value) == ["sales@romashka.ru"])
            #expect(stored.contacts.phones.map(\.value) == ["+74951234567"])
            #expect(stored.contacts.emails.first?.source == .manual && stored.contacts.emails.first?.enteredBy == "Анна Петрова")
            let card = try await anna.get(cardPath)
            let enteredBy = LocalizedTemplates.escape(app.services.renderer.localizer.text("company_source_entered_by", .ru, values: ["name": "Анна Петрова"]))
            #expect(card.text.contains(enteredBy))

            // The same address again is a field error; a correction replaces it; a removal takes it away.
            let twice = try await anna.post("\(cardPath)/contacts", [("kind", "email"), ("value", "sales@romashka.ru")], tokenFrom: cardPath)
            #expect(twice.status == .unprocessableContent)
            #expect(twice.text.contains(InboxFixtures.html(app, "validation_contact_exists", .ru)))
            let corrected = try await anna.post("\(cardPath)/contacts", [("kind", "email"), ("original", "sales@romashka.ru"), ("value", "info@romashka.ru")],
                                                tokenFrom: cardPath)
            #expect(corrected.status == .seeOther)
            stored = try await app.services.clients.find(soft.id, scope: .tenant(member))
            #expect(stored.contacts.emails.map(\.value) == ["info@romashka.ru"])
            #expect(try await anna.post("\(cardPath)/contacts/delete", [("kind", "phone"), ("original", "+74951234567")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).contacts.phones.isEmpty)
            #expect(try await anna.post("\(cardPath)/contacts/delete", [("kind", "phone"), ("original", "+74951234567")], tokenFrom: cardPath).status == .notFound,
                    "a value that is not there")

            // A decision maker: the INN's check digit and the phone are checked, each next to its field.
            let person = try await anna.post("\(cardPath)/decision-makers", [
                ("dm_full_name", "Иван Сидоров"), ("dm_position", "Директор"), ("dm_inn", "500100732250"), ("dm_email", "ivan@"), ("dm_phone", ""),
            ], tokenFrom: cardPath)
            #expect(person.status == .unprocessableContent)
            #expect(person.text.contains("id=\"dm-0-inn-error\">\(InboxFixtures.html(app, "validation_company_number_checksum", .ru))</p>"))
            #expect(person.text.contains("id=\"dm-0-email-error\">\(InboxFixtures.html(app, "validation_email", .ru))</p>"))
            #expect(person.text.contains("value=\"Иван Сидоров\""))
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).contacts.decisionMakers.isEmpty)
            let added = try await anna.post("\(cardPath)/decision-makers", [
                ("dm_full_name", "Иван Сидоров"), ("dm_position", "Директор"), ("dm_inn", "500100732259"), ("dm_email", "ivan@romashka.ru"),
                ("dm_phone", "+7 916 123 45 67"),
            ], tokenFrom: cardPath)
            #expect(added.status == .seeOther)
            let people = try await app.services.clients.find(soft.id, scope: .tenant(member)).contacts.decisionMakers
            #expect(people.map(\.phone) == ["+79161234567"] && people.map(\.inn) == ["500100732259"] && people.first?.enteredBy == "Анна Петрова")
            #expect(try await anna.post("\(cardPath)/decision-makers/delete", [("original", "Иван Сидоров")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).contacts.decisionMakers.isEmpty)
        }
    }

    @Test func lostNeedsAReasonAndTheHistoryListsEveryChangeNewestFirst() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(52))
            let cardPath = "/clients/\(soft.id.uuidString)"
            #expect(try await anna.get(cardPath).text.contains(InboxFixtures.html(app, "client_history_empty", .ru)))

            let refused = try await anna.post("\(cardPath)/status", [("status", "lost"), ("status_comment", "  ")], tokenFrom: cardPath)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("id=\"status_comment-error\">\(InboxFixtures.html(app, "validation_status_lost_reason", .ru))</p>"))
            #expect(refused.text.contains("value=\"lost\" checked"), "the chosen status stays chosen")
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .new)

            #expect(try await anna.post("\(cardPath)/status", [("status", "contacted")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await anna.post("\(cardPath)/status", [("status", "lost"), ("status_comment", "Выбрали конкурента")], tokenFrom: cardPath).status == .seeOther)
            #expect(try await app.services.clients.find(soft.id, scope: .tenant(member)).status == .lost)
            let card = try await anna.get(cardPath)
            let rows = card.text.components(separatedBy: "<tr data-status-change>").dropFirst()
            #expect(rows.count == 2)
            #expect(rows.first?.contains("Выбрали конкурента") == true, "newest first, with its reason")
            #expect(rows.first?.contains("Анна Петрова") == true)
            #expect(rows.last?.contains(InboxFixtures.html(app, "client_status_contacted", .ru)) == true)
        }
    }

    @Test func thePendingCardPollsItsEnrichmentState() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(53))
            let cardPath = "/clients/\(soft.id.uuidString)"
            #expect(!(try await anna.get(cardPath).text.contains("data-client-enrichment=")), "nothing to wait for")
            try await app.services.clients.markEnrichmentPending(companyID: member.companyID, ids: [soft.id], reason: nil)
            let card = try await anna.get(cardPath)
            #expect(card.text.contains("data-client-enrichment=\"\(cardPath)/enrichment.json\" data-state=\"pending\""))
            let pending = try await anna.get("\(cardPath)/enrichment.json")
            #expect(pending.status == .ok)
            #expect(pending.text == #"{"enrichment":"pending","pending":true}"#)
            try await app.services.clients.markEnrichmentFailed(soft.id, companyID: member.companyID, reason: "x")
            #expect(try await anna.get("\(cardPath)/enrichment.json").text == #"{"enrichment":"failed","pending":false}"#)
        }
    }

    @Test func viewersAndOtherTenantsChangeNothing() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(54))
            let cardPath = "/clients/\(soft.id.uuidString)"
            #expect(try await anna.get(cardPath).text.contains("data-add-decision-maker"), "the owner is offered the forms")
            let vera = try await ClientFixtures.colleague(app, client, owner: anna, email: "vera@romashka.ru", role: "viewer")
            #expect(!(try await vera.get(cardPath).text.contains("data-add-decision-maker")), "a viewer is not")
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "Б")
            let posts: [(String, [(String, String)])] = [
                ("\(cardPath)/contacts", [("kind", "email"), ("value", "x@romashka.ru")]),
                ("\(cardPath)/contacts/delete", [("kind", "email"), ("original", "x@romashka.ru")]),
                ("\(cardPath)/decision-makers", [("dm_full_name", "Пётр Петров")]),
                ("\(cardPath)/decision-makers/delete", [("original", "Пётр Петров")]),
                ("\(cardPath)/status", [("status", "lost"), ("status_comment", "нет")]),
            ]
            for (path, fields) in posts {
                #expect(try await vera.post(path, fields, tokenFrom: "/clients").status == .forbidden, "viewer POST \(path)")
                #expect(try await owen.post(path, fields, tokenFrom: "/clients").status == .notFound, "other tenant POST \(path)")
            }
            #expect(try await owen.get("\(cardPath)/enrichment.json").status == .notFound)
            let unchanged = try await app.services.clients.find(soft.id, scope: .tenant(member))
            #expect(unchanged.contacts == .none && unchanged.status == .new)
        }
    }
}
