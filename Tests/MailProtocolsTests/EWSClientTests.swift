import EWSFake
import Foundation
import MIME
import Testing
@testable import MailProtocols

/// The EWS client's operations end to end against the fake server over loopback HTTP: paging,
/// batches, per-item errors, categories written with the ChangeKey (and a conflict retried
/// once), throttling waited out, sending, a refused sync state. Each test ends with every SOAP
/// request checked against Microsoft's schema (`withStack`).
@Suite struct EWSClientTests {
    typealias Support = EWSTestSupport

    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86_400

    @Test func findItemPagesUntilTheLastItemInRange() async throws {
        try await FakeEWSServer.run { server in
            let now = Date()
            for number in 0..<7 {
                server.deliver(subject: "Письмо \(number)", receivedAt: now.addingTimeInterval(-Double(number) * Self.hour))
            }
            server.deliver(subject: "Давнее", receivedAt: now.addingTimeInterval(-40 * Self.day))
            try await Support.withStack(server) { stack in
                let all = try await stack.client.findInboxItems(pageSize: 3)
                #expect(all.compactMap(\.subject) == (0..<7).map { "Письмо \($0)" } + ["Давнее"])
                #expect(server.requests(for: "FindItem").count == 3)

                let recent = try await stack.client.findInboxItems(pageSize: 3, receivedAfter: now.addingTimeInterval(-14 * Self.day))
                #expect(recent.compactMap(\.subject) == (0..<7).map { "Письмо \($0)" })
                #expect(Set(recent.map(\.item.id)).count == 7)
                #expect(recent.allSatisfy { $0.item.changeKey != nil && $0.receivedAt != nil })
            }
        }
    }

    @Test func getItemGoesInBatchesOfFifty() async throws {
        try await FakeEWSServer.run { server in
            let items = (0..<120).map { server.deliver(subject: "Заявка \($0)") }
            try await Support.withStack(server) { stack in
                let results = try await stack.client.getItems(ids: items.map { EWSItemID(id: $0.id, changeKey: $0.changeKey) })
                let subjects = try results.map { try $0.get().subject ?? "" }
                #expect(subjects == items.map(\.subject))
            }
            let batchSizes = server.requests(for: "GetItem").map { request -> Int in
                let operation = (try? EWSXMLDocument.parse(request.body))?.child("Body")?.children.first
                return operation?.child("ItemIds")?.children.count ?? 0
            }
            #expect(batchSizes == [50, 50, 20])
        }
    }

    @Test func getItemReadsTheMessageAndReportsEachFailedItem() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(
                subject: "Re: Предложение", receivedAt: Date(timeIntervalSince1970: 1_772_360_100),
                body: "Добрый день!\n\nВысылаю   счёт.\n-- \nБорис", categories: ["Клиент"], messageID: "reply-7@client.example",
                inReplyTo: "<sent-1@romashka.ru>", references: "<root@romashka.ru> <sent-1@romashka.ru>")
            try await Support.withStack(server) { stack in
                let results = try await stack.client.getItems(ids: [
                    EWSItemID(id: item.id), EWSItemID(id: "AAMkADMissing="), EWSItemID(id: "not-an-exchange-id"),
                ])
                let codes = results.map { result -> String in
                    switch result {
                    case .success: "ok"
                    case .failure(.itemError(let code, _)): code
                    case .failure(let error): "\(error)"
                    }
                }
                #expect(codes == ["ok", "ErrorItemNotFound", "ErrorInvalidIdMalformed"])

                let message = try results[0].get()
                #expect(message.item == EWSItemID(id: item.id, changeKey: item.changeKey))
                #expect(message.kind == .message)
                #expect(message.from?.mailAddress == MailAddress(name: "Борис Клиентов", address: "boris@client.example"))
                #expect(message.toRecipients.compactMap(\.mailAddress) == [MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")])
                #expect(message.receivedAt == Date(timeIntervalSince1970: 1_772_360_100))
                #expect(message.internetMessageID == "reply-7@client.example")
                #expect(message.inReplyTo == ["sent-1@romashka.ru"])
                #expect(message.references == ["root@romashka.ru", "sent-1@romashka.ru"])
                #expect(message.categories == ["Клиент"])
                #expect(message.snippet == "Добрый день! Высылаю счёт. -- Борис")
            }
        }
    }

    // MARK: Categories

    @Test func categoriesAreReadMergedAndWrittenWithTheChangeKey() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Заявка", categories: ["Клиент"])
            try await Support.withStack(server) { stack in
                let updated = try await stack.client.addCategories(["Lead", "клиент"], to: EWSItemID(id: item.id))
                #expect(server.item(item.id)?.categories == ["Клиент", "Lead"])
                #expect(updated.changeKey == server.item(item.id)?.changeKey)

                // Everything there already (in any case): read, nothing written.
                try await stack.client.addCategories(["lead"], to: EWSItemID(id: item.id))
            }
            #expect(server.requests(for: "UpdateItem").count == 1)
            #expect(server.requests(for: "GetItem").count == 2)
        }
    }

    @Test func aChangeKeyConflictIsReadAgainAndRetriedOnce() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Заявка", categories: ["Клиент"])
            // Between our read and our write, someone adds a category in Outlook.
            server.changeInOutlook(item.id, adding: "Срочно")
            try await Support.withStack(server) { stack in
                try await stack.client.addCategories(["Lead"], to: EWSItemID(id: item.id))
            }
            #expect(server.item(item.id)?.categories == ["Клиент", "Срочно", "Lead"], "the Outlook change is kept")
            #expect(server.requests(for: "GetItem").count == 2)
            #expect(server.requests(for: "UpdateItem").count == 2)
        }
    }

    @Test func aSecondConflictIsThrown() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Заявка")
            server.changeInOutlook(item.id, adding: "Первое")
            server.changeInOutlook(item.id, adding: "Второе")
            try await Support.withStack(server) { stack in
                let error = await Support.error { try await stack.client.addCategories(["Lead"], to: EWSItemID(id: item.id)) }
                #expect(error as? EWSError == .changeKeyConflict)
            }
            #expect(server.requests(for: "UpdateItem").count == 2)
            #expect(server.item(item.id)?.categories == ["Первое", "Второе"])
        }
    }

    @Test func categoriesOfAMissingItemFailWithItsError() async throws {
        try await FakeEWSServer.run { server in
            try await Support.withStack(server) { stack in
                let error = await Support.error { try await stack.client.addCategories(["Lead"], to: EWSItemID(id: "AAMkADGone=")) }
                guard case .itemError(let code, _)? = error as? EWSError else {
                    Issue.record("expected an item error, got \(String(describing: error))")
                    return
                }
                #expect(code == "ErrorItemNotFound")
            }
            #expect(server.requests(for: "UpdateItem").isEmpty)
        }
    }

    // MARK: Throttling

    @Test func serverBusyIsWaitedOutForTheBackOffItAsks() async throws {
        try await FakeEWSServer.run { server in
            server.deliver(subject: "После паузы")
            server.enqueue(.serverBusy(backOffMilliseconds: 1500), for: "SyncFolderItems")
            try await Support.withStack(server) { stack in
                let sync = try await stack.client.syncInbox(state: nil)
                #expect(sync.changes.changes.count == 1)
                #expect(stack.sleeps.all == [.milliseconds(1500)])
            }
            #expect(server.requests(for: "SyncFolderItems").count == 2)
        }
    }

    @Test func aLongBackOffIsLeftToTheCaller() async throws {
        try await FakeEWSServer.run { server in
            server.enqueue(.serverBusy(backOffMilliseconds: 297_749))
            try await Support.withStack(server, longestServerBusyWait: .seconds(60)) { stack in
                let error = await Support.error { try await stack.client.syncInbox(state: nil) }
                #expect(error as? EWSError == .serverBusy(backOff: .milliseconds(297_749)))
                #expect(stack.sleeps.all.isEmpty)
            }
        }
    }

    @Test func retriesOnABusyServerAreBounded() async throws {
        try await FakeEWSServer.run { server in
            for _ in 0..<3 { server.enqueue(.serverBusy(backOffMilliseconds: 1000)) }
            try await Support.withStack(server, serverBusyRetries: 2) { stack in
                let error = await Support.error { try await stack.client.findInboxItems() }
                #expect(error as? EWSError == .serverBusy(backOff: .seconds(1)))
                #expect(stack.sleeps.all == [.seconds(1), .seconds(1)])
            }
            #expect(server.requests(for: "FindItem").count == 3)
        }
    }

    // MARK: Sync state

    @Test func aRefusedSyncStateStartsOver() async throws {
        try await FakeEWSServer.run { server in
            server.deliver(subject: "Первое")
            server.deliver(subject: "Второе")
            try await Support.withStack(server) { stack in
                let first = try await stack.client.syncInbox(state: nil)
                #expect(!first.startedOver)
                let unchanged = try await stack.client.syncInbox(state: first.changes.syncState)
                #expect(unchanged.changes.changes.isEmpty)

                let restarted = try await stack.client.syncInbox(state: "bm90LWlzc3VlZA==")
                #expect(restarted.startedOver)
                #expect(restarted.changes.changes.count == 2)
            }
        }
    }

    // MARK: Sending

    @Test func sendingKeepsACopyInSentItems() async throws {
        try await FakeEWSServer.run { server in
            let sender = MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")
            let message = OutgoingMessage(
                from: sender, to: [MailAddress(name: "Борис", address: "boris@client.example")],
                bcc: [MailAddress(name: nil, address: "archive@romashka.ru")], subject: "Счёт №42 за апрель",
                textBody: "Добрый день! Счёт во вложении.",
                attachments: [.init(filename: "Счёт 42.pdf", contentType: "application/pdf", data: Array(repeating: 0x25, count: 3000))],
                inReplyTo: ["request-1@client.example"], references: ["request-1@client.example"], messageID: "sent-42@romashka.ru")
            try await Support.withStack(server) { stack in
                try await stack.client.send(message)
            }
            let sent = try #require(server.sentMessages.first)
            #expect(server.sentMessages.count == 1)
            #expect(sent.disposition == "SendAndSaveCopy")
            #expect(sent.savedItemFolder == "sentitems")
            #expect(sent.summary.subject == "Счёт №42 за апрель")
            #expect(sent.summary.messageID == "sent-42@romashka.ru")
            #expect(sent.summary.to.map(\.address) == ["boris@client.example"])
            #expect(sent.summary.attachments.map(\.filename) == ["Счёт 42.pdf"])
            #expect(sent.bcc == ["archive@romashka.ru"])
            #expect(sent.inReplyTo == "<request-1@client.example>")
            #expect(server.items(in: "sentitems").map(\.subject) == ["Счёт №42 за апрель"])
            #expect(server.items(in: "inbox").isEmpty)
        }
    }
}
