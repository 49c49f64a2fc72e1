import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// Hand edits on the client card: typed-in contacts survive a later enrichment, and every
/// status change lands in the client's history. Runs on SQLite and PostgreSQL like the rest.
@Suite struct ClientCardEditingStorageTests {
    @Test func handEnteredContactsSurviveAnEnrichmentThatStartedBeforeThem() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            // The enrichment reads the client before anyone typed anything.
            let snapshot = try await world.clients.find(client.id, companyID: anna.companyID)
            let typedEmail = Sourced("sales@romashka.ru", source: .manual, fetchedAt: world.clock.now(), enteredBy: "Анна Петрова")
            let typedPerson = DecisionMaker(fullName: "Иван Сидоров", position: "Коммерческий директор", source: .manual,
                                            fetchedAt: world.clock.now(), enteredBy: "Анна Петрова")
            let edited = try await world.clients.updateContacts(anna, id: client.id) { contacts in
                var changed = contacts
                try changed.save(.email, typedEmail, replacing: nil)
                try changed.save(typedPerson, replacing: nil)
                return changed
            }
            #expect(edited.contacts.emails == [typedEmail] && edited.contacts.decisionMakers == [typedPerson])

            // The enrichment found the same person (another position) and another address.
            var found = world.contacts(email: "info@romashka.ru", director: "иван сидоров")
            found.decisionMakers[0].position = "Директор"
            _ = try await world.clients.storeEnrichment(
                client.id, companyID: anna.companyID, record: world.record("7707083893", name: "Ромашка"),
                contacts: snapshot.contacts.adding(found), source: "web_search", reason: "1 e-mail", cacheEntry: nil)

            let stored = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(stored.contacts.emails.map(\.value).sorted() == ["info@romashka.ru", "sales@romashka.ru"])
            #expect(stored.contacts.emails.first { $0.value == "sales@romashka.ru" } == typedEmail, "kept with its author")
            #expect(stored.contacts.decisionMakers == [typedPerson], "the typed-in person is not replaced by the found one")

            let keysBefore = try await Self.mailKeys(db, client.id)
            #expect(keysBefore.contains("sales@romashka.ru"), "a typed address is a mail key")
            // A typed value removed meanwhile stays removed; the mail keys follow the contacts.
            _ = try await world.clients.updateContacts(anna, id: client.id) { contacts in
                var changed = contacts
                try changed.remove(.email, "sales@romashka.ru")
                return changed
            }
            _ = try await world.clients.storeEnrichment(
                client.id, companyID: anna.companyID, record: world.record("7707083893", name: "Ромашка"),
                contacts: stored.contacts, source: "web_search", reason: "again", cacheEntry: nil)
            let after = try await world.clients.find(client.id, scope: .tenant(anna))
            #expect(after.contacts.emails.map(\.value) == ["info@romashka.ru"])
            let keys = try await Self.mailKeys(db, client.id)
            #expect(!keys.contains("sales@romashka.ru") && keys.contains("info@romashka.ru"))
        }
    }

    static func mailKeys(_ db: Persistence, _ clientID: UUID) async throws -> [String] {
        try await db.sql.raw("SELECT mail_key FROM client_mail_keys WHERE client_id = \(bind: clientID)").all()
            .map { try $0.decode(column: "mail_key", as: String.self) }
    }

    @Test func contactEditsRefuseDuplicatesAndAnotherTenant() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            let phone = Sourced("+74951234567", source: .manual, fetchedAt: world.clock.now(), enteredBy: "Анна Петрова")
            _ = try await world.clients.updateContacts(anna, id: client.id) { contacts in
                var changed = contacts
                try changed.save(.phone, phone, replacing: nil)
                return changed
            }
            await #expect(throws: ContactEditError.duplicate) {
                _ = try await world.clients.updateContacts(anna, id: client.id) { contacts in
                    var changed = contacts
                    try changed.save(.phone, phone, replacing: nil)
                    return changed
                }
            }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.clients.updateContacts(boris, id: client.id) { $0 }
            }
            await #expect(throws: StorageError.notFound) { _ = try await world.clients.statusHistory(boris, clientID: client.id) }
            #expect(try await world.clients.find(client.id, scope: .tenant(anna)).contacts.phones == [phone])
        }
    }

    @Test func everyStatusChangeIsRecordedNewestFirst() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            #expect(try await world.clients.statusHistory(anna, clientID: client.id).isEmpty)

            // Enrichment moves a new client to "enriched", with nobody's name.
            _ = try await world.clients.storeEnrichment(
                client.id, companyID: anna.companyID, record: world.record("7707083893", name: "Ромашка"), contacts: world.contacts(),
                source: "web_search", reason: "1 e-mail", cacheEntry: nil)
            world.clock.advance(by: 60)
            _ = try await world.clients.setStatus(anna, id: client.id, status: .contacted)
            world.clock.advance(by: 60)
            _ = try await world.clients.setStatus(anna, id: client.id, status: .contacted)
            _ = try await world.clients.setStatus(anna, id: client.id, status: .lost, comment: "Выбрали конкурента")

            let history = try await world.clients.statusHistory(anna, clientID: client.id)
            #expect(history.map(\.to) == [.lost, .contacted, .enriched], "the same status twice is no change")
            #expect(history.map(\.from) == [.contacted, .enriched, .new])
            #expect(history[0].comment == "Выбрали конкурента" && history[1].comment == nil)
            #expect(history[0].changedBy == anna.userID && history[0].changedByName == "Анна Петрова")
            #expect(history[2].changedBy == nil && history[2].changedByName == nil)
            #expect(history[0].changedAt > history[2].changedAt)

            // Removing the client takes its history.
            try await world.clients.delete(anna, id: client.id)
            let left = try await db.sql.raw("SELECT COUNT(*) AS n FROM client_status_changes").first()?.decode(column: "n", as: Int.self)
            #expect(left == 0)
        }
    }
}
