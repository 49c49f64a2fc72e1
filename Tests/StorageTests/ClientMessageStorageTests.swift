import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// Messages found by client and a message's client found by its sender. Runs on the engine
/// `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct ClientMessageStorageTests {
    /// Both worlds over one database, and the repository under test.
    struct World {
        let inbox: InboxWorld
        let prospects: ProspectsWorld
        let matching: ClientMessageRepository

        init(_ db: Persistence) throws {
            inbox = try InboxWorld(db)
            prospects = ProspectsWorld(db)
            matching = ClientMessageRepository(persistence: db)
        }

        /// A client with these contacts stored as enrichment would store them.
        func client(_ member: TenantMember, _ inn: String, name: String, website: String?, emails: [String] = [],
                    personEmail: String? = nil) async throws -> Client {
            let created = try await prospects.client(member, inn, name: name)
            let now = prospects.clock.now()
            let contacts = ClientContacts(
                website: website.map { Sourced($0, source: .webSearch, fetchedAt: now) },
                emails: emails.map { Sourced($0, source: .webSearch, fetchedAt: now) },
                decisionMakers: personEmail.map { [DecisionMaker(fullName: "Пётр Петров", email: $0, source: .webSearch, fetchedAt: now)] } ?? [])
            _ = try await prospects.clients.storeEnrichment(created.id, companyID: member.companyID, record: created.record, contacts: contacts,
                                                            source: "web_search", reason: "test", cacheEntry: nil)
            return try await prospects.clients.find(created.id, companyID: member.companyID)
        }

        /// Stores one message a sender sent `minutesAgo` minutes ago.
        func message(_ member: TenantMember, mailbox: Mailbox, _ item: String, from: String, minutesAgo: Double) async throws -> InboundMessage {
            let stored = try await inbox.messages.store([inbox.message(item, from: from, subject: "Письмо \(item)", minutesAgo: minutesAgo)],
                                                        companyID: member.companyID, mailboxID: mailbox.id)
            return try #require(stored.first)
        }
    }

    @Test func aClientsMessagesMatchByContactAddressAndByItsOwnDomainsNewestFirst() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let anna = try await world.inbox.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.inbox.mailbox(anna, "sales@romashka.ru")
            let buyer = try await world.client(anna, "7707083893", name: "Покупатель", website: "https://www.Buyer.ru/contacts",
                                               emails: ["info@buyer-group.ru"], personEmail: "petrov@gmail.com")

            let byWebsite = try await world.message(anna, mailbox: mailbox, "1", from: "ivan@buyer.ru", minutesAgo: 50)
            let byPersonalAddress = try await world.message(anna, mailbox: mailbox, "2", from: "petrov@gmail.com", minutesAgo: 40)
            let byContactDomain = try await world.message(anna, mailbox: mailbox, "3", from: "olga@buyer-group.ru", minutesAgo: 30)
            let otherGmail = try await world.message(anna, mailbox: mailbox, "4", from: "someone@gmail.com", minutesAgo: 20)
            let stranger = try await world.message(anna, mailbox: mailbox, "5", from: "anna@seller.ru", minutesAgo: 10)
            let subdomain = try await world.message(anna, mailbox: mailbox, "6", from: "x@mail.buyer.ru", minutesAgo: 5)

            let found = try await world.matching.messages(from: buyer)
            #expect(found.map(\.message.id) == [byContactDomain.id, byPersonalAddress.id, byWebsite.id],
                    "newest first; another gmail.com sender, a stranger and a subdomain are not the client's")
            #expect(try await world.matching.messages(from: buyer, limit: 2).map(\.message.id) == [byContactDomain.id, byPersonalAddress.id])

            #expect(try await world.matching.client(ofSender: byWebsite) == SenderClient(id: buyer.id, name: "Покупатель"))
            #expect(try await world.matching.client(ofSender: byPersonalAddress)?.id == buyer.id)
            #expect(try await world.matching.client(ofSender: byContactDomain)?.id == buyer.id)
            #expect(try await world.matching.client(ofSender: otherGmail) == nil)
            #expect(try await world.matching.client(ofSender: stranger) == nil)
            #expect(try await world.matching.client(ofSender: subdomain) == nil)

            // A client imported from a search matches by its registry record's website and e-mails.
            var record = world.prospects.record("7702070139", name: "Лютик")
            record.website = Sourced("lutik.ru", source: .daData, fetchedAt: world.prospects.clock.now())
            record.emails = Sourced(["zakaz@lutik-shop.ru"], source: .daData, fetchedAt: world.prospects.clock.now())
            let imported = try await world.prospects.clients.importRecords(companyID: anna.companyID, [record], origin: .search)
            let lutikID = try #require(imported.first)
            let fromLutik = try await world.message(anna, mailbox: mailbox, "7", from: "boss@lutik.ru", minutesAgo: 1)
            let fromShop = try await world.message(anna, mailbox: mailbox, "8", from: "zakaz@lutik-shop.ru", minutesAgo: 0)
            #expect(try await world.matching.client(ofSender: fromLutik)?.id == lutikID)
            let lutik = try await world.prospects.clients.find(lutikID, companyID: anna.companyID)
            #expect(try await world.matching.messages(from: lutik).map(\.message.id) == [fromShop.id, fromLutik.id])

            // A deleted client is nobody's sender any more.
            try await world.prospects.clients.delete(anna, id: lutikID)
            #expect(try await world.matching.client(ofSender: fromLutik) == nil)
        }
    }

    @Test func publicMailDomainsNeverMatchByDomain() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let anna = try await world.inbox.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.inbox.mailbox(anna, "sales@romashka.ru")
            // A small firm whose only address is at mail.ru, and whose "website" someone typed as gmail.com.
            let firm = try await world.client(anna, "7707083893", name: "ИП Сидоров", website: "gmail.com", emails: ["sidorov@mail.ru"],
                                              personEmail: "sidorov@yandex.ru")
            let keys = ClientMailKeys(record: firm.record, contacts: firm.contacts)
            #expect(keys.domains.isEmpty, "gmail.com, mail.ru and yandex.ru are nobody's own domains")
            #expect(keys.addresses == ["sidorov@mail.ru", "sidorov@yandex.ru"])

            let own = try await world.message(anna, mailbox: mailbox, "1", from: "sidorov@mail.ru", minutesAgo: 30)
            let person = try await world.message(anna, mailbox: mailbox, "2", from: "Sidorov@Yandex.ru", minutesAgo: 20)
            let sameProvider = try await world.message(anna, mailbox: mailbox, "3", from: "ivanov@mail.ru", minutesAgo: 10)
            let gmail = try await world.message(anna, mailbox: mailbox, "4", from: "someone@gmail.com", minutesAgo: 5)

            #expect(try await world.matching.messages(from: firm).map(\.message.id) == [person.id, own.id])
            #expect(try await world.matching.client(ofSender: own)?.id == firm.id)
            #expect(try await world.matching.client(ofSender: sameProvider) == nil)
            #expect(try await world.matching.client(ofSender: gmail) == nil)
            for domain in ["gmail.com", "mail.ru", "yandex.ru", "bk.ru", "list.ru", "inbox.ru", "rambler.ru", "outlook.com", "hotmail.com",
                           "icloud.com", "yahoo.com", "ya.ru"] {
                #expect(PublicMailDomains.contains(domain), "\(domain) is public")
            }
            #expect(!PublicMailDomains.contains("romashka.ru"))
        }
    }

    @Test func aSenderSeveralClientsShareIsNobodysUnlessItsExactAddressIsOnesContact() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let anna = try await world.inbox.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.inbox.mailbox(anna, "sales@romashka.ru")
            let holding = try await world.client(anna, "7707083893", name: "Холдинг", website: "group.ru")
            _ = try await world.client(anna, "7702070139", name: "Дочка", website: "https://group.ru", emails: ["director@group.ru"])

            let shared = try await world.message(anna, mailbox: mailbox, "1", from: "clerk@group.ru", minutesAgo: 2)
            let director = try await world.message(anna, mailbox: mailbox, "2", from: "director@group.ru", minutesAgo: 1)
            #expect(try await world.matching.client(ofSender: shared) == nil, "two clients have group.ru: ambiguous")
            #expect(try await world.matching.client(ofSender: director)?.name == "Дочка", "the exact contact address decides")
            #expect(try await world.matching.messages(from: holding).map(\.message.id) == [director.id, shared.id])
        }
    }

    @Test func anotherTenantsClientsAndMessagesNeverMatch() async throws {
        try await TestDatabase.with { db in
            let world = try World(db)
            let anna = try await world.inbox.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.inbox.tenant("boris@lyutik.ru", company: "Лютик")
            let annaBox = try await world.inbox.mailbox(anna, "sales@romashka.ru")
            let borisBox = try await world.inbox.mailbox(boris, "sales@lyutik.ru")
            let borisClient = try await world.client(boris, "7707083893", name: "Покупатель Бориса", website: "buyer.ru",
                                                     emails: ["petrov@gmail.com"])

            let toAnna = try await world.message(anna, mailbox: annaBox, "1", from: "ivan@buyer.ru", minutesAgo: 3)
            let toAnnaByAddress = try await world.message(anna, mailbox: annaBox, "2", from: "petrov@gmail.com", minutesAgo: 2)
            let toBoris = try await world.message(boris, mailbox: borisBox, "1", from: "ivan@buyer.ru", minutesAgo: 1)

            #expect(try await world.matching.client(ofSender: toAnna) == nil, "Anna has no client at buyer.ru; Boris's is not hers")
            #expect(try await world.matching.client(ofSender: toAnnaByAddress) == nil)
            #expect(try await world.matching.client(ofSender: toBoris)?.id == borisClient.id)
            #expect(try await world.matching.messages(from: borisClient).map(\.message.id) == [toBoris.id],
                    "Anna's messages from buyer.ru stay Anna's")

            let annaClient = try await world.client(anna, "7707083893", name: "Покупатель Анны", website: "buyer.ru")
            #expect(try await world.matching.client(ofSender: toAnna)?.id == annaClient.id)
            #expect(try await world.matching.client(ofSender: toBoris)?.id == borisClient.id, "each tenant has one client at buyer.ru")
            #expect(try await world.matching.messages(from: annaClient).map(\.message.id) == [toAnna.id])
        }
    }
}
