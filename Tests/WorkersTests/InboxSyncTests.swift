import Domain
import Foundation
import MailProtocols
import Observability
import Storage
import TestSupport
import Testing
@testable import Workers

/// The sync job's promises: no duplicates after a UIDVALIDITY change, and the keywords the
/// rebuilt folder lost written again; nothing missed after a failure mid-way, a refused login
/// stops it for good (in plain words), a paused or removed mailbox is left alone; and the label
/// job's for what a mailbox cannot do.
@Suite(.timeLimit(.minutes(5))) struct InboxSyncTests {
    @Test func aNewUIDValidityResyncsWithoutDuplicates() async throws {
        try await DovecotFolder.with("PipelineValidity", count: 6) { server, helper, folder, corpus in
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.dovecotMailbox(member, server)
                let pipeline = world.pipeline(folder: folder)
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                try await world.drain(pipeline)
                let before = try await world.inbox(member)
                #expect(before.count == 6)
                let oldValidity = Set(before.compactMap { DovecotHelper.uidValidity(of: $0.message) })
                #expect(oldValidity.count == 1)

                // The folder is deleted and made again with the same messages and one more.
                try await DovecotHelper.remove(folder, using: helper)
                let extra = try #require(PipelineCorpus.messages(tag: folder + "-extra", count: 2).first)
                try await DovecotHelper.fill(folder, with: corpus + [extra], using: helper)
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                try await world.drain(pipeline)

                let after = try await world.inbox(member)
                #expect(after.count == 7)
                #expect(Set(after.compactMap(\.message.messageID)) == Set((corpus + [extra]).map(\.messageID)))
                #expect(Set(before.map(\.message.id)).isSubset(of: after.map(\.message.id)), "the stored messages are the same rows")
                let newValidity = Set(after.compactMap { DovecotHelper.uidValidity(of: $0.message) })
                #expect(newValidity.count == 1)
                #expect(newValidity.isDisjoint(with: oldValidity), "stored ids moved to the new UIDVALIDITY")
                #expect(try await world.mailboxes.find(mailbox.id, companyID: member.companyID).messagesStored == 7)
                #expect(after.allSatisfy { $0.classification != nil })
                let actions = try await world.actions(member)
                #expect(actions.count == 7)
                #expect(actions.allSatisfy { $0.status == .done })

                // The new message is labelled under its new id.
                let added = try #require(after.first { $0.message.messageID == extra.messageID })
                let label = try #require(actions.first { $0.messageID == added.message.id }?.label)
                let uid = try #require(DovecotHelper.uid(of: added.message))
                #expect(try await DovecotHelper.keywords(in: folder, using: helper)[uid] == [KeywordMapping.keyword(for: label)])
            }
        }
    }

    @Test func keywordsARebuiltFolderLostAreWrittenAgainUnderTheNewUIDs() async throws {
        try await DovecotFolder.with("PipelineRelabel", count: 6) { server, helper, folder, corpus in
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.dovecotMailbox(member, server)
                let pipeline = world.pipeline(folder: folder)
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                try await world.drain(pipeline)
                let before = try await world.inbox(member)
                try #require(before.count == 6)
                let actions = try await world.actions(member)
                try #require(actions.allSatisfy { $0.status == .done })
                // What each message must carry, by Message-ID: the keywords of its label actions.
                var expected: [String: Set<String>] = [:]
                for entry in before {
                    let labels = actions.filter { $0.messageID == entry.message.id && $0.kind == .applyLabel }.map(\.label)
                    let messageID = try #require(entry.message.messageID)
                    expected[messageID] = Set(labels.map { KeywordMapping.keyword(for: $0) })
                }
                #expect(expected.count == 6)
                #expect(expected.values.allSatisfy { !$0.isEmpty })
                #expect(try await Self.keywords(of: before.map(\.message), in: folder, using: helper) == expected)
                let oldValidity = try #require(before.first.flatMap { DovecotHelper.uidValidity(of: $0.message) })

                // The folder is rebuilt with the same messages in reverse order (new UIDVALIDITY, and
                // each message under another UID than before); the rebuilt folder has no keywords.
                var attempts = 0
                repeat {
                    if attempts > 0 { try await Task.sleep(for: .milliseconds(1_100)) }
                    attempts += 1
                    try await DovecotHelper.remove(folder, using: helper)
                    try await DovecotHelper.fill(folder, with: corpus.reversed(), using: helper)
                } while try await helper.status(of: folder).uidValidity == oldValidity && attempts < 5
                try #require(try await helper.status(of: folder).uidValidity != oldValidity)
                let rebuilt = try await DovecotHelper.keywords(in: folder, using: helper)
                #expect(rebuilt.count == 6)
                #expect(rebuilt.values.allSatisfy { $0.isEmpty }, "the rebuilt folder starts without keywords")

                // The sync moves the stored ids and queues a label job for the labels written before.
                try await pipeline.sync.run(PipelineWorld.job(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID)),
                                            context: PipelineWorld.context)
                let moved = try await world.inbox(member)
                #expect(Set(moved.map(\.message.id)) == Set(before.map(\.message.id)), "nothing stored twice")
                #expect(moved.allSatisfy { DovecotHelper.uidValidity(of: $0.message) != oldValidity })
                let reapplied = world.audit.of(kind: "inbox.labels_reapplied")
                #expect(reapplied.count == 1)
                #expect(reapplied.first?.details["actions"] == String(actions.filter { $0.kind == .applyLabel }.count))
                #expect(reapplied.first?.details["messages"] == "6")
                let label = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.labelKind]),
                                         "the sync queued a label job")
                try await pipeline.label.run(label, context: PipelineWorld.context)

                // Read back over the helper's own connection: every message has its keywords again.
                #expect(try await Self.keywords(of: moved.map(\.message), in: folder, using: helper) == expected)
                let after = try await world.actions(member)
                #expect(after.count == actions.count)
                #expect(after.allSatisfy { $0.status == .done })
            }
        }
    }

    /// The keywords `folder` holds for each stored message, by Message-ID, found under the UID
    /// the message's stored id names.
    static func keywords(of messages: [InboundMessage], in folder: String, using helper: IMAPClient) async throws -> [String: Set<String>] {
        let byUID = try await DovecotHelper.keywords(in: folder, using: helper)
        var result: [String: Set<String>] = [:]
        for message in messages {
            guard let messageID = message.messageID, let uid = DovecotHelper.uid(of: message) else { continue }
            result[messageID] = byUID[uid] ?? []
        }
        return result
    }

    @Test func aSyncThatFailsMidwayKeepsTheLastStoredBatchAndTheNextRunMissesNothing() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let scripted = ScriptedMailbox(count: 10, batchSize: 3)
            await scripted.failOnce(afterFetches: 2)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            let runner = JobRunner(queue: world.queue, handlers: pipeline.handlers,
                                   configuration: .init(workerName: "test", concurrency: 1, lease: 60), logger: PipelineWorld.logger)
            let id = try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
            let job = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.syncKind]))
            await runner.execute(job)

            let retried = try #require(try await world.queue.find(id))
            #expect(retried.status == .queued, "a dropped connection is retried")
            let failed = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
            #expect(failed.status == .error)
            #expect(failed.lastError.map(MailProblem.englishText(stored:))?.contains("connection to the IMAP server broke") == true)
            #expect(try await world.inbox(member).count == 6, "two batches of three were stored")
            let record = try #require(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: member.companyID))
            let checkpoint = try JSONDecoder().decode(MailboxCheckpoint.self, from: Data(record.json.utf8))
            #expect(checkpoint == .imap(uidValidity: ScriptedMailbox.uidValidity, lastUID: 6, highestModSeq: nil))

            // The next run goes on from the last stored batch.
            try await pipeline.sync.run(PipelineWorld.job(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID)), context: PipelineWorld.context)
            let inbox = try await world.inbox(member)
            #expect(inbox.count == 10)
            #expect(Set(inbox.compactMap(\.message.messageID)) == Set(scripted.messages.compactMap(\.messageID)))
            #expect(await scripted.askedFrom == [0, 3, 6, 6, 9])
            let recovered = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
            #expect(recovered.status == .connected)
            #expect(recovered.lastError == nil)
            #expect(recovered.messagesStored == 10)

            // Classify jobs name every stored message exactly once.
            var named: [UUID] = []
            while let classify = try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.classifyKind]) {
                named += try JSONDecoder().decode(InboxJobs.ClassifyPayload.self, from: Data(classify.payload.utf8)).messageIDs
                #expect(classify.companyID == member.companyID)
            }
            #expect(named.count == 10)
            #expect(Set(named) == Set(inbox.map(\.message.id)))
        }
    }

    @Test func aLongImportStopsAfterItsShareAndQueuesTheRest() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let scripted = ScriptedMailbox(count: 7, batchSize: 2)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted), maximumMessagesPerSync: 4)
            try await pipeline.sync.run(PipelineWorld.job(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID)), context: PipelineWorld.context)
            #expect(try await world.inbox(member).count == 4)
            let next = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.syncKind]))
            try await pipeline.sync.run(next, context: PipelineWorld.context)
            #expect(try await world.inbox(member).count == 7)
            #expect(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.syncKind]) == nil)
        }
    }

    @Test func theBadgeSaysSyncingOnlyWhileAnImportRunsAndConnectedOnceItCaughtUp() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let noted = NotedStatuses()
            let connectors = StatusNotingConnectors(connector: ScriptedMailbox(count: 7, batchSize: 2), mailboxes: world.mailboxes, noted: noted)
            let pipeline = world.pipeline(connectors: connectors, maximumMessagesPerSync: 4)
            let sync = InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID)

            // The first import stops after its share: still syncing, and no "last sync" yet.
            try await pipeline.sync.run(PipelineWorld.job(sync), context: PipelineWorld.context)
            let midway = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
            #expect(midway.status == .syncing, "a continuation is queued: the import is not over")
            #expect(midway.lastSyncAt == nil)
            #expect(midway.messagesStored == 4)

            // The continuation catches up: connected, with the time of the sync.
            let next = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.syncKind]))
            try await pipeline.sync.run(next, context: PipelineWorld.context)
            let caughtUp = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
            #expect(caughtUp.status == .connected)
            #expect(caughtUp.lastSyncAt != nil)
            #expect(caughtUp.messagesStored == 7)

            // A poll that finds nothing new leaves the badge alone while it runs.
            try await pipeline.sync.run(PipelineWorld.job(sync), context: PipelineWorld.context)
            #expect(await noted.all == [.syncing, .syncing, .connected], "the status each round showed while it talked to the server")
            #expect(try await world.mailboxes.find(mailbox.id, companyID: member.companyID).status == .connected)
            #expect(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.syncKind]) == nil)
        }
    }

    @Test func syncingIsShownForAnImportAndConnectedOnlyOnceNothingIsLeft() throws {
        #expect(SyncStatusPolicy.marksSyncingAtStart(.new), "a first import")
        #expect(SyncStatusPolicy.marksSyncingAtStart(.syncing), "a continuation")
        #expect(SyncStatusPolicy.marksSyncingAtStart(.error), "a retry after an error")
        #expect(!SyncStatusPolicy.marksSyncingAtStart(.connected), "a poll of a connected mailbox")
        let checkpoint = MailboxCheckpoint.imap(uidValidity: ScriptedMailbox.uidValidity, lastUID: 1, highestModSeq: nil)
        let message = try #require(ScriptedMailbox(count: 1, batchSize: 1).messages.first)
        #expect(!SyncStatusPolicy.marksSyncing(before: MailboxBatch(messages: [], checkpoint: checkpoint, hasMore: false)))
        #expect(SyncStatusPolicy.marksSyncing(before: MailboxBatch(messages: [message], checkpoint: checkpoint, hasMore: false)))
        #expect(SyncStatusPolicy.marksSyncing(before: MailboxBatch(messages: [], checkpoint: checkpoint, hasMore: true)))
        #expect(SyncStatusPolicy.marksSynced(hasMore: false))
        #expect(!SyncStatusPolicy.marksSynced(hasMore: true))
    }

    @Test func aWrongPasswordMarksTheMailboxInPlainWordsAndEndsThePoll() async throws {
        let server = try MailTestServers.imap()
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let wrong = "not-the-password-\(UUID().uuidString.prefix(8))"
            let mailbox = try await world.dovecotMailbox(member, server, secret: wrong)
            let pipeline = world.pipeline(folder: "INBOX")
            try await pipeline.scheduling.scheduleSync(for: mailbox)
            let runner = JobRunner(queue: world.queue, handlers: pipeline.handlers,
                                   configuration: .init(workerName: "test", concurrency: 1, lease: 60), logger: PipelineWorld.logger)
            let job = try #require(try await world.queue.claim(worker: "test", lease: 60, kinds: [InboxJobs.syncKind]))
            await runner.execute(job)

            let dead = try #require(try await world.queue.find(job.id))
            #expect(dead.status == .dead, "a refused login is not retried")
            let failed = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
            #expect(failed.status == .error)
            let stored = try #require(failed.lastError)
            #expect(MailProblem(stored: stored)?.code == .wrongPassword, "stored as a code the page words: \(stored)")
            let text = MailProblem.englishText(stored: stored)
            #expect(text.contains("refused the user name or password"))
            #expect(!text.contains(wrong))
            #expect(dead.lastError?.contains(wrong) == false)
            #expect(try await world.inbox(member).isEmpty)

            // The owner fixes the password; scheduling again revives the poll.
            _ = try await world.mailboxes.update(member, id: mailbox.id, PipelineWorld.dovecotDraft(server), newSecret: server.password)
            try await pipeline.scheduling.scheduleSync(for: mailbox)
            let revived = try #require(try await world.queue.find(job.id))
            #expect(revived.status == .queued)
            #expect(revived.attempts == 0)
        }
    }

    @Test func aPausedOrRemovedMailboxIsLeftAloneAndItsPollEnds() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let scripted = ScriptedMailbox(count: 3, batchSize: 10)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            let job = PipelineWorld.job(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))

            try await pipeline.scheduling.scheduleSync(for: mailbox)
            _ = try await world.mailboxes.pause(member, id: mailbox.id)
            try await pipeline.sync.run(job, context: PipelineWorld.context)
            #expect(await scripted.askedFrom.isEmpty)
            #expect(try await world.mailboxes.find(mailbox.id, companyID: member.companyID).status == .paused)
            #expect(try await pipeline.scheduling.isSyncScheduled(mailboxID: mailbox.id) == false)

            _ = try await world.mailboxes.resume(member, id: mailbox.id)
            try await pipeline.scheduling.scheduleSync(for: mailbox)
            try await world.mailboxes.delete(member, id: mailbox.id, keepMessages: false)
            try await pipeline.sync.run(job, context: PipelineWorld.context)
            #expect(await scripted.askedFrom.isEmpty)
            #expect(try await pipeline.scheduling.isSyncScheduled(mailboxID: mailbox.id) == false)
        }
    }

    @Test func actionsTheMailboxCannotDoFailAtOnceWithAClearMessage() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let scripted = ScriptedMailbox(count: 1, batchSize: 1)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            let category = try #require(try await world.categories.activeCategories(companyID: member.companyID).first)
            _ = try await world.rules.save(member, categoryID: category.id, actions: InboxRuleActions(applyLabel: true, markAsRead: true), isEnabled: true)
            let stored = try await world.messages.store([
                NewInboundMessage(providerItemID: "imap:7:1", messageID: "one@buyer.ru", fromAddress: "ivan@buyer.ru", fromName: nil,
                                  toAddresses: ["sales@romashka.ru"], subject: "Заявка", snippet: "Просим КП", receivedAt: Date()),
            ], companyID: member.companyID, mailboxID: mailbox.id)
            let message = try #require(stored.first)
            try await world.classifications.save([
                NewClassification(messageID: message.id, categoryID: category.id, confidence: 0.9, reason: "test", source: "embedded", needsReview: false),
            ], companyID: member.companyID)
            try await world.queue.enqueue(InboxJobs.classify(messageIDs: [message.id], companyID: member.companyID))
            try await world.drain(pipeline)

            let actions = try await world.labels.actions(forMessage: message.id, scope: .tenant(member))
            #expect(actions.map(\.kind) == [.applyLabel, .markRead])
            #expect(actions.first?.status == .done)
            #expect(actions.last?.status == .failed)
            #expect(actions.last?.lastError.map(MailProblem.englishText(stored:)) == "Marking as read is not supported by this mailbox.")
            let applied = await scripted.applied
            #expect(applied.map { $0.item } == [MailboxItemID("imap:7:1")])
            #expect(applied.first?.labels == [category.labelName])
            let labelled = world.audit.of(kind: "inbox.labelled")
            #expect(labelled.count == 1)
            #expect(labelled.first?.details["done"] == "1")
            #expect(labelled.first?.details["failed"] == "1")
        }
    }
}

/// The statuses a round left its mailbox in by the time it connected, in order.
actor NotedStatuses {
    private(set) var all: [MailboxSyncStatus] = []

    func append(_ status: MailboxSyncStatus) {
        all.append(status)
    }
}

/// Hands out the same connector, noting the mailbox's status as the round opens it.
struct StatusNotingConnectors: MailboxConnecting {
    let connector: any MailboxConnector
    let mailboxes: MailboxRepository
    let noted: NotedStatuses

    func open(_ mailbox: Mailbox, credentials: MailboxCredentials) async throws -> MailboxSession {
        let status = try await mailboxes.find(mailbox.id, companyID: mailbox.companyID).status
        await noted.append(status)
        return MailboxSession(connector: connector)
    }
}
