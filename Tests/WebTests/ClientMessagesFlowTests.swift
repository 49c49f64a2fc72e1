import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Messages on the client card and the client on the message card, through the real app.
@Suite struct ClientMessagesFlowTests {
    /// The client card's messages section, or "" when the card has none.
    static func messagesSection(_ html: String) -> String {
        guard let start = html.range(of: "data-client-messages>"),
              let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return "" }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test func theClientCardListsTheNewestMessagesFromTheClientAndTheMessageCardNamesTheClient() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(1))
            try await ClientFixtures.enrich(app, soft)  // website romashka-soft.ru, info@romashka-soft.ru

            let start = Date().addingTimeInterval(-3_600)
            let fromClient = try await InboxFixtures.store(app, (1...22).map {
                InboxFixtures.message($0, subject: "Заказ-\($0)-поставка", from: "manager@romashka-soft.ru",
                                      receivedAt: start.addingTimeInterval(Double($0) * 60))
            }, in: mailbox)
            let others = try await InboxFixtures.store(app, [
                InboxFixtures.message(50, subject: "Личное письмо", from: "someone@gmail.com", receivedAt: start.addingTimeInterval(30 * 60)),
                InboxFixtures.message(51, subject: "Чужая компания", from: "buyer@other.ru", receivedAt: start.addingTimeInterval(40 * 60)),
            ], in: mailbox)
            let newest = try #require(fromClient.last)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            try await app.services.classifications.save([
                NewClassification(messageID: newest.id, categoryID: lead.id, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
            ], companyID: member.companyID)

            let card = try await anna.get("/clients/\(soft.id.uuidString)")
            #expect(card.status == .ok)
            #expect(card.text.contains(InboxFixtures.html(app, "client_messages_title", .ru)))
            let section = Self.messagesSection(card.text)
            let links = section.matches(of: /href="\/inbox\/([0-9A-F-]{36})"/).map { String($0.output.1) }
            #expect(links == fromClient.reversed().prefix(ClientCard.messageLimit).map(\.id.uuidString), "the newest 20, newest first")
            #expect(!section.contains("Заказ-1-поставка") && !section.contains("Заказ-2-поставка"), "older ones are in the inbox")
            #expect(section.contains("Заказ-22-поставка") && section.contains("manager@romashka-soft.ru"))
            #expect(section.contains("Заявка"), "the category of a classified message")
            #expect(section.contains(InboxFixtures.html(app, "inbox_unclassified", .ru)))
            #expect(!section.contains("Личное письмо") && !section.contains("Чужая компания"))

            // "More in the inbox" is the inbox searched by the client's domain.
            let more = "/inbox?q=%40romashka-soft.ru"
            #expect(section.contains("href=\"\(more)\" data-client-messages-more"))
            let inbox = try await anna.get(more)
            #expect(inbox.status == .ok)
            #expect(inbox.text.contains("Заказ-1-поставка") && !inbox.text.contains("Чужая компания"))

            // The message card names the client; a sender at gmail.com or another company has none.
            let messageCard = try await anna.get("/inbox/\(newest.id.uuidString)")
            #expect(messageCard.status == .ok)
            #expect(messageCard.text.contains("href=\"/clients/\(soft.id.uuidString)\" data-sender-client>Ромашка Софт</a>"))
            #expect(messageCard.text.contains(InboxFixtures.html(app, "inbox_card_client", .ru)))
            for other in others {
                let otherCard = try await anna.get("/inbox/\(other.id.uuidString)")
                #expect(otherCard.status == .ok)
                #expect(!otherCard.text.contains("data-sender-client"))
            }

            // A second client at the same domain makes the sender ambiguous: no client shown.
            let twin = try await ClientFixtures.client(app, member, name: "Ромашка Софт Дубль", inn: ClientFixtures.inn(2))
            try await ClientFixtures.enrich(app, twin)
            let ambiguous = try await anna.get("/inbox/\(newest.id.uuidString)")
            #expect(ambiguous.status == .ok && !ambiguous.text.contains("data-sender-client"))
        }
    }

    @Test func anotherTenantsClientAtTheSameDomainShowsNoneOfTheMessages() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let annaMember = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, annaMember)
            let message = try #require(try await InboxFixtures.store(app, [
                InboxFixtures.message(1, subject: "Заказ для Анны", from: "manager@romashka-soft.ru"),
            ], in: mailbox).first)

            let boris = Browser(client)
            try await Flows.signUp(boris, email: "boris@lyutik.ru", company: "ООО Лютик")
            let borisMember = try await InboxFixtures.member(app, email: "boris@lyutik.ru")
            let borisClient = try await ClientFixtures.client(app, borisMember, name: "Ромашка Софт", inn: ClientFixtures.inn(1))
            try await ClientFixtures.enrich(app, borisClient)

            let card = try await boris.get("/clients/\(borisClient.id.uuidString)")
            #expect(card.status == .ok)
            let section = Self.messagesSection(card.text)
            #expect(section.contains(InboxFixtures.html(app, "client_messages_empty", .ru)))
            #expect(!card.text.contains("Заказ для Анны") && !card.text.contains(message.id.uuidString))

            let annaCard = try await anna.get("/inbox/\(message.id.uuidString)")
            #expect(annaCard.status == .ok && !annaCard.text.contains("data-sender-client"), "Boris's client is not Anna's")
        }
    }
}
