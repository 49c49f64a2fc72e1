import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// The list's "has e-mail", "has phone", "has decision maker" filters: plain columns (M0035)
/// written with the contacts, filled for clients that existed before them, and read with the
/// tenant's filter like every other. Runs on the engine `SMARTYSALES_TEST_DATABASE` names.
@Suite struct ClientContactFilterStorageTests {
    @Test func theHasContactFiltersFollowWhatEnrichmentFound() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@b.ru", company: "Б")
            let full = try await world.client(anna, "7707083893", name: "Всё есть")
            let mailOnly = try await world.client(anna, "7702070139", name: "Только почта")
            let nothing = try await world.client(anna, "7736207543", name: "Ничего")
            let borisClient = try await world.client(boris, "7707083893", name: "Чужой")
            let now = world.clock.now()
            var everything = world.contacts(email: "info@romashka.ru", director: "Иванов Пётр")
            everything.phones = [Sourced("+74951234567", source: .webSearch, fetchedAt: now, url: "https://romashka.ru/contacts")]
            for (client, contacts) in [(full, everything), (mailOnly, world.contacts(email: "sales@romashka.ru")),
                                       (nothing, world.contacts(email: nil))] {
                _ = try await world.clients.storeEnrichment(client.id, companyID: anna.companyID, record: client.record, contacts: contacts,
                                                            source: "providers", reason: "test", cacheEntry: nil)
            }
            _ = try await world.clients.storeEnrichment(borisClient.id, companyID: boris.companyID, record: borisClient.record, contacts: everything,
                                                        source: "providers", reason: "test", cacheEntry: nil)

            let scope = TenantScope.tenant(anna)
            #expect(Set(try await world.ids(scope, ClientListQuery())) == [full.id, mailOnly.id, nothing.id])
            #expect(Set(try await world.ids(scope, ClientListQuery(hasEmail: true))) == [full.id, mailOnly.id])
            #expect(try await world.ids(scope, ClientListQuery(hasPhone: true)) == [full.id])
            #expect(try await world.ids(scope, ClientListQuery(hasDecisionMaker: true)) == [full.id])
            #expect(try await world.clients.list(scope, ClientListQuery(hasEmail: true, hasPhone: true, hasDecisionMaker: true)).totalCount == 1)
            // Every order reads its slices with the flags too.
            for sort in ClientListQuery.Sort.allCases {
                #expect(try await world.ids(scope, ClientListQuery(hasPhone: true, sort: sort)) == [full.id], "\(sort)")
            }
            #expect(try await world.ids(.tenant(boris), ClientListQuery(hasPhone: true)) == [borisClient.id], "each tenant its own")

            // A later enrichment that found less clears what it no longer has.
            _ = try await world.clients.storeEnrichment(mailOnly.id, companyID: anna.companyID, record: mailOnly.record, contacts: world.contacts(email: nil),
                                                        source: "providers", reason: "test", cacheEntry: nil)
            #expect(try await world.ids(scope, ClientListQuery(hasEmail: true)) == [full.id])

            // Clients stored before the columns existed get them from their contacts.
            try await db.sql.raw("""
                UPDATE clients SET has_email = \(bind: false), has_phone = \(bind: false), has_decision_maker = \(bind: false)
                """).run()
            // Changed behind the repository's back: the list's kept counts are forgotten by hand.
            for member in [anna, boris] { ClientListCounts.shared.forget(company: member.companyID) }
            #expect(try await world.clients.list(.tenant(boris), ClientListQuery(hasEmail: true)).totalCount == 0)
            try await M0035AddClientContactFlags.backfill(on: db.database)
            for member in [anna, boris] { ClientListCounts.shared.forget(company: member.companyID) }
            #expect(try await world.ids(scope, ClientListQuery(hasEmail: true)) == [full.id])
            #expect(try await world.ids(scope, ClientListQuery(hasPhone: true, hasDecisionMaker: true)) == [full.id])
            #expect(try await world.ids(.tenant(boris), ClientListQuery(hasDecisionMaker: true)) == [borisClient.id])
        }
    }
}
