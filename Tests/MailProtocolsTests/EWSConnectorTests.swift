import EWSFake
import Foundation
import MIME
import Testing
@testable import MailProtocols

/// The Exchange connector as the pipeline uses it: batches of new mail by sync state, the first
/// import kept to the window, a refused state started over, a checkpoint that never moves on an
/// error, labels as categories, and a send whose fate is unknown. Each test ends with every SOAP
/// request checked against Microsoft's schema (`withStack`).
@Suite struct EWSConnectorTests {
    typealias Support = EWSTestSupport

    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86_400

    /// Calls `fetchNew` until `hasMore` is false, as the pipeline does, storing each checkpoint.
    static func drain(_ connector: EWSMailboxConnector, from start: MailboxCheckpoint?) async throws
        -> (messages: [MailboxMessage], checkpoint: MailboxCheckpoint?, batches: Int)
    {
        var checkpoint = start
        var messages: [MailboxMessage] = []
        var batches = 0
        while batches < 20 {
            let batch = try await connector.fetchNew(since: checkpoint)
            messages += batch.messages
            checkpoint = batch.checkpoint
            batches += 1
            if !batch.hasMore { break }
        }
        return (messages, checkpoint, batches)
    }

    @Test func theFirstImportPagesThroughTheInboxWithinTheWindow() async throws {
        try await FakeEWSServer.run { server in
            let now = Date()
            let recent = (0..<5).map { number in
                server.deliver(subject: "Новое \(number)", receivedAt: now.addingTimeInterval(-Double(number) * Self.hour))
            }
            server.deliver(subject: "Месяц назад", receivedAt: now.addingTimeInterval(-30 * Self.day))
            server.deliver(subject: "Два месяца назад", receivedAt: now.addingTimeInterval(-60 * Self.day))
            try await Support.withStack(server, importWindowDays: 14, changesPerBatch: 3) { stack in
                let imported = try await Self.drain(stack.connector, from: nil)
                #expect(imported.batches == 3)
                #expect(imported.messages.map(\.item) == recent.map { MailboxItemID($0.id) })
                #expect(imported.messages.compactMap(\.subject) == recent.map(\.subject))
                guard case .ews(let state)? = imported.checkpoint else {
                    Issue.record("expected an EWS checkpoint, got \(String(describing: imported.checkpoint))")
                    return
                }
                #expect(!state.isEmpty)
            }
            // Old mail is left out on the sync's DateTimeReceived, before any GetItem.
            let requestedIDs = server.requests(for: "GetItem").flatMap { request -> [String] in
                let operation = (try? EWSXMLDocument.parse(request.body))?.child("Body")?.children.first
                return operation?.child("ItemIds")?.children.compactMap { $0.attributes["Id"] } ?? []
            }
            #expect(requestedIDs.count == 5)
        }
    }

    @Test func messagesCarryWhatThePipelineStores() async throws {
        try await FakeEWSServer.run { server in
            let longBody = Array(repeating: "Коммерческое предложение", count: 100).joined(separator: "\n")
            let item = server.deliver(
                subject: "Предложение", body: longBody, categories: ["Клиент"], messageID: "offer-1@client.example",
                inReplyTo: "<sent-1@romashka.ru>", references: "<sent-1@romashka.ru>")
            try await Support.withStack(server) { stack in
                let batch = try await stack.connector.fetchNew(since: nil)
                #expect(!batch.hasMore)
                let message = try #require(batch.messages.first)
                #expect(message.item == MailboxItemID(item.id))
                #expect(message.from == [MailAddress(name: "Борис Клиентов", address: "boris@client.example")])
                #expect(message.to == [MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")])
                #expect(message.subject == "Предложение")
                #expect(message.snippet.count == Snippet.length)
                #expect(message.snippet.hasPrefix("Коммерческое предложение Коммерческое"))
                #expect(message.messageID == "offer-1@client.example")
                #expect(message.inReplyTo == ["sent-1@romashka.ru"])
                #expect(message.references == ["sent-1@romashka.ru"])
                #expect(message.labels == ["Клиент"])
                #expect(message.receivedAt != nil)
            }
        }
    }

    @Test func anIncrementalSyncContinuesFromTheStoredState() async throws {
        try await FakeEWSServer.run { server in
            server.deliver(subject: "Старое")
            try await Support.withStack(server) { stack in
                let first = try await Self.drain(stack.connector, from: nil)
                #expect(first.messages.compactMap(\.subject) == ["Старое"])

                let nothing = try await stack.connector.fetchNew(since: first.checkpoint)
                #expect(nothing.messages.isEmpty)
                #expect(!nothing.hasMore)

                let fresh = server.deliver(subject: "Свежее")
                let next = try await stack.connector.fetchNew(since: nothing.checkpoint)
                #expect(next.messages.map(\.item) == [MailboxItemID(fresh.id)])
                #expect(!next.hasMore)

                // A category set meanwhile is an update, not new mail.
                try await stack.connector.applyLabels(["Lead"], to: MailboxItemID(fresh.id))
                let afterLabel = try await stack.connector.fetchNew(since: next.checkpoint)
                #expect(afterLabel.messages.isEmpty)
            }
        }
    }

    @Test func aRefusedSyncStateStartsOverFromTheBeginning() async throws {
        try await FakeEWSServer.run { server in
            let items = [server.deliver(subject: "Первое"), server.deliver(subject: "Второе")]
            try await Support.withStack(server) { stack in
                let first = try await Self.drain(stack.connector, from: nil)
                #expect(first.messages.count == 2)

                server.forgetSyncStates()
                let again = try await stack.connector.fetchNew(since: first.checkpoint)
                // Started over: the inbox comes again, and the caller deduplicates by item id.
                #expect(again.messages.map(\.item) == items.map { MailboxItemID($0.id) })

                let after = try await stack.connector.fetchNew(since: again.checkpoint)
                #expect(after.messages.isEmpty)
            }
        }
    }

    @Test(arguments: [
        (FakeEWSServer.Fault.truncatedXML, "GetItem"),
        (FakeEWSServer.Fault.htmlLoginPage, "SyncFolderItems"),
        (FakeEWSServer.Fault.redirectToLogin, "GetItem"),
        (FakeEWSServer.Fault.dropConnection, "GetItem"),
        (FakeEWSServer.Fault.serverBusy(backOffMilliseconds: 600_000), "SyncFolderItems"),
    ])
    func theCheckpointStaysWhereItWasOnAnError(fault: FakeEWSServer.Fault, operation: String) async throws {
        try await FakeEWSServer.run { server in
            server.deliver(subject: "До сбоя")
            try await Support.withStack(server) { stack in
                let first = try await Self.drain(stack.connector, from: nil)
                let arrived = server.deliver(subject: "Во время сбоя")
                server.enqueue(fault, for: operation)

                let error = await Support.error { try await stack.connector.fetchNew(since: first.checkpoint) }
                #expect(error is EWSError, "got \(String(describing: error))")

                // The caller still holds the old checkpoint; from it nothing is skipped.
                let retry = try await stack.connector.fetchNew(since: first.checkpoint)
                #expect(retry.messages.map(\.item) == [MailboxItemID(arrived.id)])
            }
        }
    }

    @Test func anIMAPCheckpointIsRefused() async throws {
        try await FakeEWSServer.run { server in
            try await Support.withStack(server) { stack in
                let error = await Support.error {
                    try await stack.connector.fetchNew(since: .imap(uidValidity: 1, lastUID: 2, highestModSeq: nil))
                }
                guard case .invalidConfiguration? = error as? EWSError else {
                    Issue.record("expected invalidConfiguration, got \(String(describing: error))")
                    return
                }
            }
            #expect(server.requests.isEmpty)
        }
    }

    // MARK: Labels

    @Test func labelsBecomeOutlookCategories() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Заявка", categories: ["Важное"])
            try await Support.withStack(server) { stack in
                try await stack.connector.applyLabels(["Lead", "Клиент"], to: MailboxItemID(item.id))
                try await stack.connector.applyLabels(["LEAD"], to: MailboxItemID(item.id))
                try await stack.connector.applyLabels([" "], to: MailboxItemID(item.id))
            }
            #expect(server.item(item.id)?.categories == ["Важное", "Lead", "Клиент"])
            #expect(server.requests(for: "UpdateItem").count == 1)
        }
    }

    @Test func aCorrectionTakesTheOldCategoryOffAndKeepsTheOthers() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Заявка", categories: ["Важное", "Lead", "Нужна проверка"])
            try await Support.withStack(server) { stack in
                try await stack.connector.removeLabels(["lead", "НУЖНА ПРОВЕРКА"], from: MailboxItemID(item.id))
                // Nothing left to take off: nothing is written.
                try await stack.connector.removeLabels(["Lead", "Спам"], from: MailboxItemID(item.id))
            }
            #expect(server.item(item.id)?.categories == ["Важное"])
            #expect(server.requests(for: "UpdateItem").count == 1)
        }
    }

    @Test func markingAsReadSetsTheReadFlag() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Счёт")
            let other = server.deliver(subject: "Другое")
            #expect(server.item(item.id)?.isRead == false)
            try await Support.withStack(server) { stack in
                try await stack.connector.markAsRead(MailboxItemID(item.id))
                // Again: harmless, the flag is set, not toggled.
                try await stack.connector.markAsRead(MailboxItemID(item.id))
            }
            #expect(server.item(item.id)?.isRead == true)
            #expect(server.item(other.id)?.isRead == false)
            #expect(server.item(item.id)?.categories == [], "only the flag changed")
        }
    }

    // MARK: Moving

    @Test func aMoveFindsTheFolderByNameOnceAndTakesTheMessageOutOfTheInbox() async throws {
        try await FakeEWSServer.run { server in
            let archive = server.createFolder("Архив")
            let invoices = server.createFolder("Счета", in: "inbox")
            let year = server.createFolder("2025", in: invoices.key)
            // The same name elsewhere: the path says which.
            server.createFolder("2025", in: archive.key)
            let items = (1...3).map { server.deliver(subject: "Заявка \($0)") }
            try await Support.withStack(server) { stack in
                let first = try await stack.connector.move(MailboxItemID(items[0].id), to: "Архив")
                let second = try await stack.connector.move(MailboxItemID(items[1].id), to: "Архив")
                #expect(server.requests(for: "FindFolder").count == 1, "found at the top once, then remembered")

                // Under the inbox, where Outlook users keep folders: not at the top, so looked for
                // below it, then its subfolder; letter case and blanks around parts do not matter.
                let third = try await stack.connector.move(MailboxItemID(items[2].id), to: "счета / 2025")
                #expect(server.requests(for: "FindFolder").count == 4)
                #expect(server.requests(for: "GetFolder").count == 1, "the inbox's id asked for once")

                // Each is found under the new ItemId MoveItem returned, in the folder it went to.
                for (moved, folder) in [(first, archive.key), (second, archive.key), (third, year.key)] {
                    guard case .moved(let newItem) = moved.location else {
                        Issue.record("expected a new id, got \(moved.location)")
                        continue
                    }
                    #expect(!moved.originalLeftBehind)
                    #expect(server.item(newItem.rawValue)?.folder == folder)
                }

                // Moved already: its old id is void.
                await #expect(throws: EWSError.itemError(code: "ErrorItemNotFound", message: "The specified object was not found in the store.")) {
                    try await stack.connector.move(MailboxItemID(items[0].id), to: "Архив")
                }
            }
            #expect(server.items(in: archive.key).map(\.subject) == ["Заявка 1", "Заявка 2"])
            #expect(server.items(in: year.key).map(\.subject) == ["Заявка 3"])
            #expect(server.items(in: "inbox").isEmpty)
            #expect(server.requests(for: "MoveItem").count == 4)
            #expect(items.allSatisfy { server.item($0.id) == nil }, "each moved under a new id")
        }
    }

    @Test func aFolderThatIsNotThereFailsInPlainWordsAndIsLookedForOnce() async throws {
        try await FakeEWSServer.run { server in
            server.createFolder("Встречи", in: "inbox", kind: "CalendarFolder")
            let items = (1...2).map { server.deliver(subject: "Заявка \($0)") }
            try await Support.withStack(server) { stack in
                for item in items {
                    await #expect(throws: EWSFolderLookupError.notFound(path: "Нет такой")) {
                        try await stack.connector.move(MailboxItemID(item.id), to: "Нет такой")
                    }
                }
                // A calendar of that name is no place for a message.
                await #expect(throws: EWSFolderLookupError.notFound(path: "Встречи")) {
                    try await stack.connector.move(MailboxItemID(items[0].id), to: "Встречи")
                }
            }
            #expect(server.requests(for: "FindFolder").count == 4, "each name at the top and below it, once")
            #expect(server.requests(for: "MoveItem").isEmpty)
            #expect(server.items(in: "inbox").map(\.id) == items.map(\.id))
        }
    }

    @Test func aNameTwoFoldersShareNeedsItsPathAndTheInboxIsNoTarget() async throws {
        try await FakeEWSServer.run { server in
            let kept = server.createFolder("Архив", in: "inbox")
            server.createFolder("Архив", in: "deleteditems")
            let item = server.deliver(subject: "Заявка")
            try await Support.withStack(server) { stack in
                await #expect(throws: EWSFolderLookupError.ambiguous(path: "Архив", name: "Архив", count: 2)) {
                    try await stack.connector.move(MailboxItemID(item.id), to: "Архив")
                }
                // The inbox, by the name a Russian Outlook gives it: the message is there already.
                let intoInbox = try await stack.connector.move(MailboxItemID(item.id), to: "Входящие")
                #expect(intoInbox.location == .unchanged)
                #expect(server.requests(for: "MoveItem").isEmpty)
                #expect(server.item(item.id)?.folder == "inbox")

                let intoArchiveUnderInbox = try await stack.connector.move(MailboxItemID(item.id), to: "Входящие/Архив")
                if case .moved(let newItem) = intoArchiveUnderInbox.location {
                    #expect(server.item(newItem.rawValue)?.folder == kept.key)
                } else {
                    Issue.record("expected a new id, got \(intoArchiveUnderInbox.location)")
                }
            }
            #expect(server.items(in: kept.key).map(\.subject) == ["Заявка"])
        }
    }

    @Test func aFolderDeletedSinceItWasFoundIsLookedForAgain() async throws {
        try await FakeEWSServer.run { server in
            let first = server.createFolder("Архив")
            let items = (1...2).map { server.deliver(subject: "Заявка \($0)") }
            try await Support.withStack(server) { stack in
                try await stack.connector.move(MailboxItemID(items[0].id), to: "Архив")
                server.deleteFolder(first.key)
                await #expect(throws: EWSFolderLookupError.notFound(path: "Архив")) {
                    try await stack.connector.move(MailboxItemID(items[1].id), to: "Архив")
                }
                let second = server.createFolder("Архив")
                try await stack.connector.move(MailboxItemID(items[1].id), to: "Архив")
                #expect(server.items(in: second.key).map(\.subject) == ["Заявка 2"])
            }
        }
    }

    @Test func theSyncAfterAMovePassesOverTheMessageThatLeft() async throws {
        try await FakeEWSServer.run { server in
            let archive = server.createFolder("Архив")
            let moved = server.deliver(subject: "В архив")
            let stays = server.deliver(subject: "Остаётся")
            try await Support.withStack(server) { stack in
                let first = try await Self.drain(stack.connector, from: nil)
                #expect(first.messages.count == 2)
                try await stack.connector.move(MailboxItemID(moved.id), to: "Архив")
                let fresh = server.deliver(subject: "Новое")

                // Exchange reports the move as a Delete in the inbox…
                guard case .ews(let state)? = first.checkpoint else {
                    Issue.record("expected an EWS checkpoint, got \(String(describing: first.checkpoint))")
                    return
                }
                let changes = try await stack.client.syncInbox(state: state).changes.changes
                #expect(changes.contains(.deleted(EWSItemID(id: moved.id))))

                // …which is no new mail, and the moved message is not new mail in the inbox either.
                let next = try await stack.connector.fetchNew(since: first.checkpoint)
                #expect(next.messages.map(\.item) == [MailboxItemID(fresh.id)])
                #expect(!next.hasMore)
                let fromScratch = try await Self.drain(stack.connector, from: nil)
                #expect(Set(fromScratch.messages.map(\.item)) == [MailboxItemID(stays.id), MailboxItemID(fresh.id)])
            }
            #expect(server.items(in: archive.key).map(\.subject) == ["В архив"])
        }
    }

    // MARK: Sending

    static func outgoing(_ subject: String) -> OutgoingMessage {
        OutgoingMessage(
            from: MailAddress(name: "Анна Петрова", address: "anna@romashka.ru"),
            to: [MailAddress(name: "Борис", address: "boris@client.example")], subject: subject, textBody: "Добрый день!")
    }

    @Test func sendingKeepsACopy() async throws {
        try await FakeEWSServer.run { server in
            try await Support.withStack(server) { stack in
                try await stack.connector.send(Self.outgoing("Коммерческое предложение"))
            }
            #expect(server.sentMessages.map(\.summary.subject) == ["Коммерческое предложение"])
            #expect(server.items(in: "sentitems").map(\.subject) == ["Коммерческое предложение"])
        }
    }

    @Test func aConnectionLostAfterSendingLeavesTheOutcomeUnknown() async throws {
        try await FakeEWSServer.run { server in
            server.enqueue(.dropConnection, for: "CreateItem")
            try await Support.withStack(server) { stack in
                let error = await Support.error { try await stack.connector.send(Self.outgoing("Счёт")) }
                #expect(error is MailboxSendOutcomeUnknown, "got \(String(describing: error))")
            }
            // It did go out: that is why the caller must not resend blindly.
            #expect(server.sentMessages.count == 1)
        }
    }

    @Test func aSignInPageInsteadOfExchangeMeansNotSent() async throws {
        try await FakeEWSServer.run { server in
            server.enqueue(.htmlLoginPage, for: "CreateItem")
            try await Support.withStack(server) { stack in
                let error = await Support.error { try await stack.connector.send(Self.outgoing("Счёт")) }
                guard case .notSOAP? = error as? EWSError else {
                    Issue.record("expected notSOAP, got \(String(describing: error))")
                    return
                }
            }
            #expect(server.sentMessages.isEmpty)
        }
    }
}
