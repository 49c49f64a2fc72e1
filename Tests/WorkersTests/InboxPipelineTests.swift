import Domain
import Foundation
import LLM
import MailProtocols
import Observability
import ProviderFakes
import Storage
import TestSupport
import Testing
@testable import Workers

// The whole pipeline against the real Dovecot that scripts/test starts (without it these tests
// fail naming the missing SMARTYSALES_TEST_* variable): a folder of generated mail, the sync,
// classify and label jobs run as a worker runs them, and the keywords read back through a
// separate IMAP connection.
@Suite(.timeLimit(.minutes(5))) struct InboxPipelineTests {
    @Test func sixtyMessagesAreSyncedClassifiedAndLabelledAndACorrectionRelabels() async throws {
        try await DovecotFolder.with("Pipeline", count: 60) { server, helper, folder, corpus in
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.dovecotMailbox(member, server)
                let pipeline = world.pipeline(folder: folder, batchSize: 25)
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                let ran = try await world.drain(pipeline)
                #expect(ran[InboxJobs.syncKind] == 1)
                #expect(ran[InboxJobs.classifyKind] == 3, "one classify job per stored batch of 25, 25 and 10")
                #expect((ran[InboxJobs.labelKind] ?? 0) >= 1)

                let inbox = try await world.inbox(member)
                #expect(inbox.count == 60)
                #expect(Set(inbox.compactMap(\.message.messageID)) == Set(corpus.map(\.messageID)))
                #expect(Set(inbox.map(\.message.subject)) == Set(corpus.map(\.subject)), "subjects decoded from every charset")
                #expect(inbox.allSatisfy { !$0.message.snippet.isEmpty })
                #expect(inbox.allSatisfy { $0.classification?.source == MessageClassification.embeddedSource })
                let synced = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
                #expect(synced.status == .connected)
                #expect(synced.messagesStored == 60)
                #expect(synced.lastSyncAt != nil)
                #expect(synced.lastError == nil)

                // One label per message: its category's, or "needs review" when the verdict is unsure.
                let settings = try await world.rules.settings(companyID: member.companyID)
                let categories = Dictionary(uniqueKeysWithValues: try await world.categories.activeCategories(companyID: member.companyID).map { ($0.id, $0) })
                let actions = try await world.actions(member)
                #expect(actions.count == 60)
                #expect(actions.allSatisfy { $0.status == .done && $0.kind == .applyLabel })
                let keywords = try await DovecotHelper.keywords(in: folder, using: helper)
                #expect(keywords.count == 60)
                for entry in inbox {
                    let verdict = try #require(entry.classification)
                    let expected: String
                    if verdict.needsReview {
                        expected = settings.needsReviewLabel
                    } else {
                        expected = try #require(verdict.categoryID.flatMap { categories[$0] }).labelName
                    }
                    #expect(actions.filter { $0.messageID == entry.message.id }.map(\.label) == [expected])
                    let uid = try #require(DovecotHelper.uid(of: entry.message))
                    #expect(keywords[uid] == [KeywordMapping.keyword(for: expected)], "\(entry.message.subject)")
                }

                // The reply is linked to the message it answers; the audit trail has counts, no text.
                let reply = try #require(inbox.first { $0.message.messageID == corpus.last?.messageID })
                let original = try #require(inbox.first { $0.message.messageID == corpus.first?.messageID })
                let links = world.audit.of(kind: "inbox.reply_linked")
                #expect(links.count == 1)
                #expect(links.first?.details["message_id"] == reply.message.id.uuidString)
                #expect(links.first?.details["linked_to"] == original.message.id.uuidString)
                #expect(world.audit.of(kind: "inbox.classified").compactMap { Int($0.details["messages"] ?? "") }.reduce(0, +) == 60)
                #expect(world.audit.of(kind: "inbox.labelled").compactMap { Int($0.details["done"] ?? "") }.reduce(0, +) == 60)
                #expect(!world.audit.all.contains { event in event.details.values.contains { $0.contains(original.message.subject) } })

                // A person corrects a category: the old label comes off, the new one goes on.
                let target = original
                let previous = target.classification?.categoryID
                let newCategory = try #require(categories.values.sorted { $0.position < $1.position }.first { $0.id != previous })
                let oldLabel: String
                if target.classification?.needsReview == true {
                    oldLabel = settings.needsReviewLabel
                } else {
                    oldLabel = try #require(previous.flatMap { categories[$0] }).labelName
                }
                _ = try await world.classifications.correct(member, messageID: target.message.id, categoryID: newCategory.id)
                try await world.queue.enqueue(InboxJobs.relabel(messageID: target.message.id, previousCategoryID: previous, companyID: member.companyID))
                let relabelRun = try await world.drain(pipeline)
                #expect(relabelRun[InboxJobs.relabelKind] == 1)
                let uid = try #require(DovecotHelper.uid(of: target.message))
                let after = try await DovecotHelper.keywords(in: folder, using: helper)[uid] ?? []
                #expect(after == [KeywordMapping.keyword(for: newCategory.labelName)], "\(oldLabel) → \(newCategory.labelName)")
                #expect(world.audit.of(kind: "inbox.relabelled").count == 1)
            }
        }
    }

    @Test func aCorrectionRelabelsAMessageARuleMovedInTheFolderItWentTo() async throws {
        try await DovecotFolder.with("PipelineMove", count: 12) { server, helper, folder, corpus in
            let processed = MailTestServers.uniqueFolder("Processed")
            do {
                try await Self.moveThenCorrect(server, helper, folder: folder, processed: processed, corpus: corpus)
                try? await DovecotHelper.remove(processed, using: helper)
            } catch {
                try? await DovecotHelper.remove(processed, using: helper)
                throw error
            }
        }
    }

    /// Every category's rule labels, marks read and moves into `processed` (which the first move
    /// creates); then a person corrects a moved message's category.
    static func moveThenCorrect(_ server: MailTestServers.IMAP, _ helper: IMAPClient, folder: String, processed: String,
                                corpus: [PipelineCorpus.Message]) async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let rule = InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: processed)
            for category in try await world.categories.activeCategories(companyID: member.companyID) {
                _ = try await world.rules.save(member, categoryID: category.id, actions: rule, isEnabled: true)
            }
            let mailbox = try await world.dovecotMailbox(member, server)
            let pipeline = world.pipeline(folder: folder)
            try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
            try await world.drain(pipeline)

            let inbox = try await world.inbox(member)
            #expect(inbox.count == corpus.count)
            // A verdict with a category follows its rule; an unsure one only gets the "needs review" label.
            let ruled = inbox.filter { $0.classification?.needsReview == false && $0.classification?.categoryID != nil }
            try #require(!ruled.isEmpty, "the classifier is sure of some of the corpus")
            #expect(inbox.filter { $0.message.movedTo != nil }.count == ruled.count, "only the ruled ones moved")

            // Each moved message is stored where it went: the folder, its UIDVALIDITY and the UID
            // Dovecot reported (COPYUID), which holds the message with its category's keyword.
            let categories = Dictionary(uniqueKeysWithValues: try await world.categories.activeCategories(companyID: member.companyID).map { ($0.id, $0) })
            let processedStatus = try await helper.status(of: processed)
            #expect(processedStatus.messageCount == ruled.count)
            #expect(try await helper.status(of: folder).messageCount == corpus.count - ruled.count)
            let keywordsMoved = try await DovecotHelper.keywords(in: processed, using: helper)
            for entry in ruled {
                #expect(entry.message.movedTo?.folder == processed)
                let location = try #require(DovecotHelper.movedLocation(of: entry.message), "\(entry.message.subject)")
                #expect(location.folder == processed)
                #expect(location.uidValidity == processedStatus.uidValidity)
                let category = try #require(entry.classification?.categoryID.flatMap { categories[$0] })
                #expect(keywordsMoved[location.uid] == [KeywordMapping.keyword(for: category.labelName)], "\(entry.message.subject)")
            }

            // A person corrects a moved message: the old keyword comes off and the new one goes on,
            // on the message in the folder it was moved to.
            let target = ruled[0]
            let targetUID = try #require(DovecotHelper.movedLocation(of: target.message)?.uid)
            let previous = target.classification?.categoryID
            let newCategory = try #require(categories.values.sorted { $0.position < $1.position }.first { $0.id != previous })
            _ = try await world.classifications.correct(member, messageID: target.message.id, categoryID: newCategory.id)
            try await world.queue.enqueue(InboxJobs.relabel(messageID: target.message.id, previousCategoryID: previous, companyID: member.companyID))
            let relabelRun = try await world.drain(pipeline)
            #expect(relabelRun[InboxJobs.relabelKind] == 1)
            let keywordsAfter = try await DovecotHelper.keywords(in: processed, using: helper)
            #expect(keywordsAfter[targetUID] == [KeywordMapping.keyword(for: newCategory.labelName)])
            let relabelled = try #require(world.audit.of(kind: "inbox.relabelled").first)
            #expect((relabelled.details["note"] ?? "").isEmpty, "\(relabelled.details)")
            var othersAfter = keywordsAfter
            othersAfter[targetUID] = nil
            var othersBefore = keywordsMoved
            othersBefore[targetUID] = nil
            #expect(othersAfter == othersBefore, "no other message touched")

            // Nothing was moved twice: every move done at its first attempt, and a sync and a label
            // job more (each run twice) store, plan, move and write nothing.
            let moves = try await world.actions(member).filter { $0.kind == .move }
            #expect(moves.count == ruled.count)
            #expect(moves.allSatisfy { $0.status == .done && $0.attempts == 0 })
            let actionCount = try await world.actions(member).count
            let modSeq = try await helper.status(of: processed).highestModSeq
            try await world.queue.enqueue([
                InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID),
                InboxJobs.label(mailboxID: mailbox.id, companyID: member.companyID),
            ])
            let again = try await world.drain(pipeline, runsPerJob: 2)
            #expect(again == [InboxJobs.syncKind: 1, InboxJobs.labelKind: 1])
            #expect(try await world.inbox(member).count == corpus.count)
            #expect(try await world.actions(member).count == actionCount)
            #expect(try await helper.status(of: processed).messageCount == ruled.count)
            #expect(try await helper.status(of: processed).highestModSeq == modSeq)
            #expect(try await helper.status(of: folder).messageCount == corpus.count - ruled.count)
        }
    }

    /// The fake model puts every message in the first category it is offered, sure of it.
    static let firstCategoryAnswer: FakeAnswerFunction = { request in
        let item = request.schema?["properties"]?["results"]?["items"]?["properties"]
        let keys = item?["key"]?["enum"]?.array?.compactMap(\.string) ?? []
        let category = item?["category"]?["enum"]?.array?.first?.string ?? "none"
        let results: [FakeJSON] = keys.map { key in
            .object(["key": .string(key), "category": .string(category), "confidence": .double(0.93), "reason": .string("the fake model read it")])
        }
        return FakeJSON.object(["results": .array(results)]).encoded()
    }

    @Test func theTenantsModelClassifiesThroughTheRealOpenAIAdapter() async throws {
        let openAI = try await FakeOpenAIServer.start(script: FakeScript(answer: Self.firstCategoryAnswer))
        do {
            try await DovecotFolder.with("PipelineLLM", count: 24) { server, helper, folder, corpus in
                try await TestDatabase.with { db in
                    let world = try PipelineWorld(db)
                    let member = try await world.tenant()
                    let mailbox = try await world.dovecotMailbox(member, server)
                    let llm = FixedLLMConfigurationSource([
                        LLMProviderConfiguration(kind: .openAI, model: "gpt-4.1-mini", apiKey: openAI.apiKey, baseURL: openAI.baseURL),
                    ])
                    let pipeline = world.pipeline(folder: folder, llm: llm)
                    try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                    try await world.drain(pipeline)

                    let inbox = try await world.inbox(member)
                    #expect(inbox.count == 24)
                    let verdicts = inbox.compactMap(\.classification)
                    #expect(verdicts.count == 24)
                    #expect(verdicts.allSatisfy { $0.source.hasPrefix("llm:openai/") && !$0.needsReview && $0.reason == "the fake model read it" })
                    let chosen = Set(verdicts.compactMap(\.categoryID))
                    #expect(chosen.count == 1)
                    let category = try #require(try await world.categories.activeCategories(companyID: member.companyID).first { chosen.contains($0.id) })
                    let keywords = try await DovecotHelper.keywords(in: folder, using: helper)
                    #expect(keywords.count == 24)
                    #expect(keywords.values.allSatisfy { $0 == [KeywordMapping.keyword(for: category.labelName)] })

                    // Every call is an llm.call audit event of the tenant: counts, never the key or the mail.
                    let requests = openAI.script.receivedRequests
                    #expect(requests.count >= 3)
                    let calls = world.audit.of(kind: AuditLLMUsageRecorder.eventKind)
                    #expect(calls.count == requests.count)
                    #expect(calls.allSatisfy { $0.companyID == member.companyID && $0.details["outcome"] == "ok" && $0.details["purpose"] == "classification" })
                    #expect(calls.allSatisfy { Int($0.details["input"] ?? "") ?? 0 > 0 })
                    let written = world.audit.all.flatMap { $0.masked().details.values }
                    #expect(!written.contains { $0.contains(openAI.apiKey) })
                    #expect(!written.contains { value in corpus.contains { value.contains($0.subject) } })
                }
            }
            await openAI.stop()
        } catch {
            await openAI.stop()
            throw error
        }
    }

    @Test func everyJobRunTwiceChangesNothingTheSecondTime() async throws {
        try await DovecotFolder.with("PipelineTwice", count: 30) { server, helper, folder, _ in
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.dovecotMailbox(member, server)
                let pipeline = world.pipeline(folder: folder, batchSize: 10)
                try await world.queue.enqueue(InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID))
                let ran = try await world.drain(pipeline, runsPerJob: 2)
                #expect(ran[InboxJobs.classifyKind] == 3)

                let inbox = try await world.inbox(member)
                #expect(inbox.count == 30)
                #expect(inbox.allSatisfy { $0.classification != nil })
                let actions = try await world.actions(member)
                #expect(actions.count == 30)
                #expect(actions.allSatisfy { $0.status == .done })
                #expect(Set(actions.map(\.idempotencyKey)).count == 30)
                let modSeq = try await helper.status(of: folder).highestModSeq
                let keywords = try await DovecotHelper.keywords(in: folder, using: helper)
                #expect(keywords.values.allSatisfy { $0.count == 1 })

                // Each kind once more as a fresh job (each run twice again): nothing is stored,
                // planned, queued or written.
                try await world.queue.enqueue([
                    InboxJobs.sync(mailboxID: mailbox.id, companyID: member.companyID),
                    InboxJobs.classify(messageIDs: inbox.map(\.message.id), companyID: member.companyID),
                    InboxJobs.label(mailboxID: mailbox.id, companyID: member.companyID),
                ])
                let again = try await world.drain(pipeline, runsPerJob: 2)
                #expect(again == [InboxJobs.syncKind: 1, InboxJobs.classifyKind: 1, InboxJobs.labelKind: 1])
                #expect(try await world.inbox(member).count == 30)
                #expect(try await world.actions(member).count == 30)
                #expect(try await world.mailboxes.find(mailbox.id, companyID: member.companyID).messagesStored == 30)
                #expect(try await helper.status(of: folder).highestModSeq == modSeq, "no label was written twice")
                #expect(try await DovecotHelper.keywords(in: folder, using: helper) == keywords)
            }
        }
    }
}
