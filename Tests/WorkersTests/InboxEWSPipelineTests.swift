import Domain
import EWSFake
import Foundation
import MailProtocols
import Storage
import TestSupport
import Testing
@testable import Workers

// The whole pipeline over Exchange Web Services, against the fake Exchange server (EWSFake:
// Hummingbird on loopback, the operations the EWS client uses, Basic and NTLM sign-in): an inbox
// of generated mail, the sync, classify (embedded classifier, no LLM) and label jobs run as a
// worker runs them, and the Outlook categories read back from the fake's own store. The same
// run over IMAP is InboxPipelineTests, against Dovecot.
@Suite(.timeLimit(.minutes(5))) struct InboxEWSPipelineTests {
    /// `count` corpus messages (Russian and English, in every charset the corpus has, the last a
    /// reply to the first) delivered to the fake's inbox a minute apart up to now, so all of
    /// them are inside the mailbox's import window.
    static func deliverCorpus(to server: FakeEWSServer, count: Int) -> [PipelineCorpus.Message] {
        let corpus = PipelineCorpus.messages(tag: "ews-" + UUID().uuidString.prefix(8).lowercased(), count: count)
        let start = Date().addingTimeInterval(-Double(corpus.count) * 60)
        for (index, message) in corpus.enumerated() {
            server.deliver(mime: message.bytes, receivedAt: start.addingTimeInterval(Double(index) * 60))
        }
        return corpus
    }

    /// The label a verdict asks for: its category's, or "needs review" when it is unsure.
    static func label(for verdict: MessageClassification, categories: [UUID: InboxCategory], settings: InboxSettings) throws -> String {
        if verdict.needsReview { return settings.needsReviewLabel }
        return try #require(verdict.categoryID.flatMap { categories[$0] }).labelName
    }

    @Test(arguments: [
        (FakeEWSServer.AuthMode.basic, ExchangeAuth.basic),
        (FakeEWSServer.AuthMode.ntlm, ExchangeAuth.ntlm),
        (FakeEWSServer.AuthMode.basicAndNTLM, ExchangeAuth.automatic),
    ])
    func threeDozenMessagesAreSyncedClassifiedAndGetTheirVerdictsCategory(mode: FakeEWSServer.AuthMode, auth: ExchangeAuth) async throws {
        try await FakeEWSServer.run(authMode: mode) { server in
            let corpus = Self.deliverCorpus(to: server, count: 36)
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.exchangeMailbox(member, server, auth: auth)
                // Ten changes a SyncFolderItems, so the import is several stored batches, as a
                // real inbox's is (Exchange's own limit is 512).
                let pipeline = world.pipeline(factory: PipelineWorld.exchangeFactory(changesPerBatch: 10))
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                let ran = try await world.drain(pipeline)
                #expect(ran[InboxJobs.syncKind] == 1)
                #expect(ran[InboxJobs.classifyKind] == 4, "one classify job per stored batch of 10, 10, 10 and 6")
                #expect((ran[InboxJobs.labelKind] ?? 0) >= 1)

                // Every message stored once, under its Exchange ItemId, with a verdict.
                let inbox = try await world.inbox(member)
                let categoriesOnServer = server.categories()
                #expect(inbox.count == corpus.count)
                #expect(categoriesOnServer.count == corpus.count)
                #expect(Set(inbox.map(\.message.providerItemID)) == Set(categoriesOnServer.keys))
                #expect(Set(inbox.compactMap(\.message.messageID)) == Set(corpus.map(\.messageID)))
                #expect(Set(inbox.map(\.message.subject)) == Set(corpus.map(\.subject)), "subjects decoded from every charset")
                #expect(inbox.allSatisfy { !$0.message.snippet.isEmpty })
                #expect(inbox.allSatisfy { $0.classification?.source == MessageClassification.embeddedSource })
                let synced = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
                #expect(synced.status == .connected)
                #expect(synced.messagesStored == corpus.count)
                #expect(synced.lastSyncAt != nil)
                #expect(synced.lastError == nil)

                // One category per item, the one its verdict asks for, written once.
                let settings = try await world.rules.settings(companyID: member.companyID)
                let categories = Dictionary(uniqueKeysWithValues: try await world.categories.activeCategories(companyID: member.companyID).map { ($0.id, $0) })
                let actions = try await world.actions(member)
                #expect(actions.count == corpus.count)
                #expect(actions.allSatisfy { $0.status == .done && $0.kind == .applyLabel })
                for entry in inbox {
                    let verdict = try #require(entry.classification)
                    let expected = try Self.label(for: verdict, categories: categories, settings: settings)
                    #expect(actions.filter { $0.messageID == entry.message.id }.map(\.label) == [expected])
                    #expect(categoriesOnServer[entry.message.providerItemID] == [expected], "\(entry.message.subject)")
                }
                #expect(server.requests(for: "UpdateItem").count == corpus.count, "one category write per item")
                #expect(world.audit.of(kind: "inbox.labelled").compactMap { Int($0.details["done"] ?? "") }.reduce(0, +) == corpus.count)

                // The reply is linked to the message it answers, from the threading EWS gives.
                let reply = try #require(inbox.first { $0.message.messageID == corpus.last?.messageID })
                let original = try #require(inbox.first { $0.message.messageID == corpus.first?.messageID })
                let links = world.audit.of(kind: "inbox.reply_linked")
                #expect(links.count == 1)
                #expect(links.first?.details["message_id"] == reply.message.id.uuidString)
                #expect(links.first?.details["linked_to"] == original.message.id.uuidString)

                // A person corrects a category: the old Outlook category comes off, the new one
                // goes on, and nothing else of the item's categories changes.
                let previous = original.classification?.categoryID
                let newCategory = try #require(categories.values.sorted { $0.position < $1.position }.first { $0.id != previous })
                _ = try await world.classifications.correct(member, messageID: original.message.id, categoryID: newCategory.id)
                try await world.queue.enqueue(InboxJobs.relabel(messageID: original.message.id, previousCategoryID: previous, companyID: member.companyID))
                let relabelRun = try await world.drain(pipeline)
                #expect(relabelRun[InboxJobs.relabelKind] == 1)
                #expect(server.categories()[original.message.providerItemID] == [newCategory.labelName])
                let relabelled = try #require(world.audit.of(kind: "inbox.relabelled").first)
                #expect((relabelled.details["note"] ?? "").isEmpty, "\(relabelled.details)")
                var others = server.categories()
                others[original.message.providerItemID] = nil
                #expect(others == categoriesOnServer.filter { $0.key != original.message.providerItemID }, "no other item touched")

                // The sign-in the mailbox asks for is the one used: Basic on every request, or
                // NTLM handshakes (the automatic choice prefers NTLM) and no Basic header at all.
                let basicRequests = server.requests.filter { $0.authorization?.hasPrefix("Basic ") == true }
                if auth == .basic {
                    #expect(server.handshakesCompleted == 0)
                    #expect(!basicRequests.isEmpty)
                } else {
                    #expect(server.handshakesCompleted > 0)
                    #expect(basicRequests.isEmpty)
                }
            }
        }
    }

    @Test func aRuleMovesItsCategorysMessagesIntoTheFolderItNames() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            // Under the inbox, where Outlook users keep their folders: not at the top of the mailbox.
            let processed = server.createFolder("Обработано", in: "inbox")
            let corpus = Self.deliverCorpus(to: server, count: 12)
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let rule = InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: "Обработано")
                for category in try await world.categories.activeCategories(companyID: member.companyID) {
                    _ = try await world.rules.save(member, categoryID: category.id, actions: rule, isEnabled: true)
                }
                let mailbox = try await world.exchangeMailbox(member, server, auth: .basic)
                let pipeline = world.pipeline(factory: PipelineWorld.exchangeFactory())
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                let ran = try await world.drain(pipeline)
                #expect(ran[InboxJobs.labelKind] == 1, "one stored batch, one classify job, one label job")

                let inbox = try await world.inbox(member)
                #expect(inbox.count == corpus.count)
                // A verdict with a category follows its rule; an unsure one only gets the "needs review" label.
                let ruled = inbox.filter { $0.classification?.needsReview == false && $0.classification?.categoryID != nil }
                let others = inbox.filter { entry in !ruled.contains { $0.message.id == entry.message.id } }
                try #require(!ruled.isEmpty, "the classifier is sure of some of the corpus")

                // Label, read flag and move, each done, the move last.
                let actions = try await world.actions(member)
                #expect(actions.allSatisfy { $0.status == .done }, "\(actions.filter { $0.status != .done })")
                for entry in ruled {
                    let kinds = actions.filter { $0.messageID == entry.message.id }.map(\.kind)
                    #expect(Set(kinds) == [.applyLabel, .markRead, .move], "\(entry.message.subject)")
                }
                #expect(!actions.contains { action in action.kind == .move && others.contains { $0.message.id == action.messageID } })

                // In the fake's store: the ruled messages in the folder, read and labelled; the others where they were.
                let moved = server.items(in: processed.key)
                #expect(Set(moved.map(\.internetMessageID)) == Set(ruled.compactMap(\.message.messageID)))
                #expect(moved.allSatisfy { $0.isRead && $0.categories.count == 1 })
                #expect(Set(server.items(in: "inbox").map(\.internetMessageID)) == Set(others.compactMap(\.message.messageID)))
                #expect(server.requests(for: "MoveItem").count == ruled.count)
                #expect(server.requests(for: "FindFolder").count == 2, "looked for once for the whole run: at the top, then below it")
                #expect(server.requests(for: "GetFolder").count == 1)

                // The next sync reads the moves as deletions from the inbox: nothing is stored,
                // planned or moved again, and the mailbox stays well.
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                let again = try await world.drain(pipeline)
                #expect(again == [InboxJobs.syncKind: 1])
                #expect(try await world.inbox(member).count == corpus.count)
                #expect(try await world.actions(member).count == actions.count)
                #expect(server.requests(for: "MoveItem").count == ruled.count)
                let synced = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
                #expect(synced.status == .connected)
                #expect(synced.lastError == nil)
            }
        }
    }

    @Test func aCorrectionRelabelsAMessageARuleMovedUnderItsNewItemID() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            let processed = server.createFolder("Обработано", in: "inbox")
            let corpus = Self.deliverCorpus(to: server, count: 12)
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let rule = InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: "Обработано")
                for category in try await world.categories.activeCategories(companyID: member.companyID) {
                    _ = try await world.rules.save(member, categoryID: category.id, actions: rule, isEnabled: true)
                }
                let mailbox = try await world.exchangeMailbox(member, server, auth: .basic)
                let pipeline = world.pipeline(factory: PipelineWorld.exchangeFactory())
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                try await world.drain(pipeline)

                let inbox = try await world.inbox(member)
                #expect(inbox.count == corpus.count)
                let ruled = inbox.filter { $0.classification?.needsReview == false && $0.classification?.categoryID != nil }
                try #require(!ruled.isEmpty, "the classifier is sure of some of the corpus")
                #expect(inbox.filter { $0.message.movedTo != nil }.count == ruled.count, "only the ruled ones moved")

                // Each moved message is stored under the ItemId MoveItem returned: the fake's item
                // in the folder. The ids the sync stored find nothing any more.
                let categoriesMoved = server.categories(in: processed.key)
                #expect(Set(ruled.compactMap { $0.message.movedTo?.itemID }) == Set(categoriesMoved.keys))
                #expect(ruled.allSatisfy { $0.message.movedTo?.folder == "Обработано" })
                #expect(ruled.allSatisfy { server.item($0.message.providerItemID) == nil })

                // A person corrects a moved message: its old Outlook category comes off and the new
                // one goes on, on the item in the folder it was moved to.
                let target = ruled[0]
                let movedID = try #require(target.message.movedTo?.itemID)
                let previous = target.classification?.categoryID
                let categories = try await world.categories.activeCategories(companyID: member.companyID)
                let newCategory = try #require(categories.sorted { $0.position < $1.position }.first { $0.id != previous })
                _ = try await world.classifications.correct(member, messageID: target.message.id, categoryID: newCategory.id)
                try await world.queue.enqueue(InboxJobs.relabel(messageID: target.message.id, previousCategoryID: previous, companyID: member.companyID))
                let relabelRun = try await world.drain(pipeline)
                #expect(relabelRun[InboxJobs.relabelKind] == 1)
                #expect(server.item(movedID)?.categories == [newCategory.labelName])
                #expect(server.item(movedID)?.folder == processed.key)
                let relabelled = try #require(world.audit.of(kind: "inbox.relabelled").first)
                #expect((relabelled.details["note"] ?? "").isEmpty, "\(relabelled.details)")
                var others = server.categories(in: processed.key)
                others[movedID] = nil
                #expect(others == categoriesMoved.filter { $0.key != movedID }, "no other item touched")

                // Nothing moved twice: one MoveItem per ruled message, each move done at its first attempt.
                #expect(server.requests(for: "MoveItem").count == ruled.count)
                let moves = try await world.actions(member).filter { $0.kind == .move }
                #expect(moves.count == ruled.count)
                #expect(moves.allSatisfy { $0.status == .done && $0.attempts == 0 })
            }
        }
    }

    @Test func aMoveToAFolderTheMailboxDoesNotHaveFailsAtOnceInPlainWords() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            let corpus = Self.deliverCorpus(to: server, count: 4)
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.exchangeMailbox(member, server, auth: .basic)
                let pipeline = world.pipeline(factory: PipelineWorld.exchangeFactory())
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                try await world.drain(pipeline)
                let inbox = try await world.inbox(member)
                #expect(inbox.count == corpus.count)

                // A rule names a folder nobody made in Outlook.
                try await world.labels.enqueue(inbox.map { NewLabelAction.move($0.message.id, to: "Нет такой папки") }, companyID: member.companyID)
                try await world.queue.enqueue(InboxJobs.label(mailboxID: mailbox.id, companyID: member.companyID))
                let ran = try await world.drain(pipeline)
                #expect(ran == [InboxJobs.labelKind: 1], "failed for good at once: the job is not retried")

                let moves = try await world.actions(member).filter { $0.kind == .move }
                #expect(moves.count == corpus.count)
                #expect(moves.allSatisfy { $0.status == .failed && $0.attempts == 1 })
                #expect(moves.allSatisfy {
                    $0.lastError.map(MailProblem.englishText(stored:)) == "There is no folder \"Нет такой папки\" in the Exchange mailbox. Create it in Outlook, or change the folder in the category's rule."
                })
                #expect(server.requests(for: "FindFolder").count == 2, "looked for once, at the top and below it")
                #expect(server.requests(for: "MoveItem").isEmpty)
                #expect(server.items(in: "inbox").count == corpus.count)

                // The actions failed, not the mailbox.
                let after = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
                #expect(after.status == .connected)
                #expect(after.lastError == nil)
                let tally = try #require(world.audit.of(kind: "inbox.labelled").last)
                #expect(tally.details["failed"] == String(corpus.count))
            }
        }
    }

    @Test func syncAndLabelRunAgainWriteNoCategoryTwice() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            let corpus = Self.deliverCorpus(to: server, count: 24)
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.exchangeMailbox(member, server, auth: .basic)
                let pipeline = world.pipeline(factory: PipelineWorld.exchangeFactory(changesPerBatch: 10))
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                // Every handler twice on the same job, as after a worker that died before
                // finishing it.
                let ran = try await world.drain(pipeline, runsPerJob: 2)
                #expect(ran[InboxJobs.classifyKind] == 3)

                let inbox = try await world.inbox(member)
                #expect(inbox.count == corpus.count)
                #expect(inbox.allSatisfy { $0.classification != nil })
                let actions = try await world.actions(member)
                #expect(actions.count == corpus.count)
                #expect(actions.allSatisfy { $0.status == .done })
                #expect(Set(actions.map(\.idempotencyKey)).count == corpus.count)
                let categories = server.categories()
                #expect(categories.count == corpus.count)
                #expect(categories.values.allSatisfy { $0.count == 1 })
                let writes = server.requests(for: "UpdateItem").count
                #expect(writes == corpus.count, "each item written once")

                // A sync and a label job once more (each run twice again). The sync now reads the
                // changes the category writes made, which Exchange reports as updates and which
                // are no new mail: nothing is stored, planned, queued or written.
                try await world.queue.enqueue([
                    InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID),
                    InboxJobs.label(mailboxID: mailbox.id, companyID: member.companyID),
                ])
                let again = try await world.drain(pipeline, runsPerJob: 2)
                #expect(again == [InboxJobs.syncKind: 1, InboxJobs.labelKind: 1])
                #expect(try await world.inbox(member).count == corpus.count)
                #expect(try await world.actions(member).count == corpus.count)
                #expect(try await world.mailboxes.find(mailbox.id, companyID: member.companyID).messagesStored == corpus.count)
                #expect(server.requests(for: "UpdateItem").count == writes, "no category was written twice")
                #expect(server.categories() == categories)

                // Exchange forgets its sync states (a mailbox move does that): the next sync reads
                // the whole inbox again and stores none of it twice.
                server.forgetSyncStates()
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                let resync = try await world.drain(pipeline)
                #expect(resync == [InboxJobs.syncKind: 1])
                #expect(try await world.inbox(member).count == corpus.count)
                #expect(try await world.actions(member).count == corpus.count)
                #expect(server.requests(for: "UpdateItem").count == writes)

                // A label job that wrote the categories but died before marking its actions done
                // writes them again with the same call: each item is read, has its category
                // already, and is left as it is.
                let itemOfMessage = Dictionary(uniqueKeysWithValues: inbox.map { ($0.message.id, MailboxItemID($0.message.providerItemID)) })
                let reads = server.requests(for: "GetItem").count
                let session = try await pipeline.factory.open(mailbox, credentials: try await world.mailboxes.credentials(for: mailbox))
                var failed = 0
                do {
                    for (label, labelled) in Dictionary(grouping: actions, by: \.label) {
                        let items = labelled.compactMap { itemOfMessage[$0.messageID] }
                        failed += try await session.connector.applyLabels([label], toEach: items).count
                    }
                    await session.close()
                } catch {
                    await session.close()
                    throw error
                }
                #expect(failed == 0)
                #expect(server.requests(for: "GetItem").count == reads + corpus.count, "each item read once")
                #expect(server.requests(for: "UpdateItem").count == writes, "and none written again")
                #expect(server.categories() == categories)
            }
        }
    }
}
