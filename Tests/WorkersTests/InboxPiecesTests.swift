import Domain
import Foundation
import LLM
import MailProtocols
import Observability
import Storage
import TestSupport
import Testing
@testable import Workers

/// The pipeline's smaller parts: the job payloads the web UI relies on, polling schedules, reply
/// linking, the platform's LLM settings and the audit record of an LLM call.
@Suite struct InboxPiecesTests {
    static func object(_ job: NewJob) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any])
    }

    @Test func payloadsAreTheJSONTheWebUIWritesAndReads() throws {
        let id = UUID()
        let company = UUID()
        let sync = InboxJobs.sync(mailboxID: id, companyID: company)
        #expect(sync.kind == "inbox.sync")
        #expect(sync.companyID == company)
        #expect(Set(try Self.object(sync).keys) == ["mailboxID"])
        #expect(try Self.object(sync)["mailboxID"] as? String == id.uuidString)
        #expect(sync.payload == InboxJobs.syncPayload(mailboxID: id))

        let label = InboxJobs.label(mailboxID: id, companyID: company)
        #expect(label.kind == "inbox.label")
        #expect(Set(try Self.object(label).keys) == ["mailboxID"])

        let classify = InboxJobs.classify(messageIDs: [id], companyID: company)
        #expect(classify.kind == "inbox.classify")
        #expect(try Self.object(classify)["messageIDs"] as? [String] == [id.uuidString])

        let relabel = InboxJobs.relabel(messageID: id, previousCategoryID: nil, companyID: company)
        #expect(relabel.kind == "inbox.relabel")
        let fields = try Self.object(relabel)
        #expect(Set(fields.keys) == ["messageID", "previousCategoryID"])
        #expect(fields["previousCategoryID"] is NSNull)

        // What a hand-written payload looks like: lower-case ids, an explicit null, or no key.
        let written = #"{"messageID": "\#(id.uuidString.lowercased())", "previousCategoryID": null}"#
        #expect(try JSONDecoder().decode(InboxJobs.RelabelPayload.self, from: Data(written.utf8)) == .init(messageID: id, previousCategoryID: nil))
        let withCategory = #"{"messageID": "\#(id.uuidString)", "previousCategoryID": "\#(company.uuidString.lowercased())"}"#
        #expect(try JSONDecoder().decode(InboxJobs.RelabelPayload.self, from: Data(withCategory.utf8)).previousCategoryID == company)

        let many = (0..<(InboxJobs.classifyChunkSize * 2 + 20)).map { _ in UUID() }
        let jobs = InboxJobs.classifyJobs(messageIDs: many, companyID: company)
        #expect(jobs.count == 3)
        let named = try jobs.flatMap { try JSONDecoder().decode(InboxJobs.ClassifyPayload.self, from: Data($0.payload.utf8)).messageIDs }
        #expect(named == many)
    }

    @Test func anUnreadablePayloadOrAJobWithoutATenantGoesStraightToDead() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let pipeline = world.pipeline()
            let garbled = PipelineWorld.job(NewJob(kind: InboxJobs.syncKind, companyID: UUID(), payload: #"{"mailbox": 1}"#))
            await #expect(throws: PermanentJobFailure.self) { try await pipeline.sync.run(garbled, context: PipelineWorld.context) }
            let orphan = PipelineWorld.job(NewJob(kind: InboxJobs.labelKind, payload: InboxJobs.syncPayload(mailboxID: UUID())))
            await #expect(throws: PermanentJobFailure.self) { try await pipeline.label.run(orphan, context: PipelineWorld.context) }
        }
    }

    @Test func pollingIsOneScheduleAMailboxAndABuriedOneCanBeRevived() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            let second = try await world.offlineMailbox(member, address: "office@romashka.ru")
            let scheduling = InboxScheduling(queue: world.queue)
            try await scheduling.scheduleSync(for: mailbox)
            try await scheduling.scheduleSync(for: mailbox, interval: 120)
            #expect(try await world.queue.counts(nil)[.queued] == 1)

            let job = try #require(try await world.queue.claim(worker: "test", lease: 60))
            #expect(job.kind == InboxJobs.syncKind)
            #expect(job.companyID == member.companyID)
            #expect(try JSONDecoder().decode(InboxJobs.SyncPayload.self, from: Data(job.payload.utf8)).mailboxID == mailbox.id)

            // Buried (a refused login): scheduling again makes it due at once.
            try await world.queue.bury(job.id, worker: "test", error: "refused")
            #expect(try await world.queue.find(job.id)?.status == .dead)
            try await scheduling.scheduleSync(for: mailbox)
            let revived = try #require(try await world.queue.find(job.id))
            #expect(revived.status == .queued)
            #expect(revived.lastError == nil)

            // Start-up scheduling adds only what is missing.
            try await scheduling.scheduleAll(world.mailboxes)
            #expect(try await scheduling.isSyncScheduled(mailboxID: second.id))
            #expect(try await world.queue.counts(nil)[.queued] == 2)

            try await scheduling.unscheduleSync(mailboxID: mailbox.id)
            #expect(try await scheduling.isSyncScheduled(mailboxID: mailbox.id) == false)
            #expect(try await world.queue.counts(nil)[.queued] == 1)
        }
    }

    /// `--sync-interval-seconds` as the workers get it: through the pipeline to the start-up
    /// scheduling, which polls new mailboxes at it and moves the existing schedules to it.
    @Test func startUpPollsEveryMailboxAtTheConfiguredIntervalAndLeavesABuriedScheduleBuried() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let sales = try await world.offlineMailbox(member)
            let office = try await world.offlineMailbox(member, address: "office@romashka.ru")
            let before = InboxScheduling(queue: world.queue)
            try await before.scheduleSync(for: sales)
            try await before.scheduleSync(for: office)
            #expect(try await before.syncInterval(mailboxID: sales.id) == InboxScheduling.defaultSyncInterval)
            // One of the two schedules ends the way a refused login ends it.
            let claimed = try #require(try await world.queue.claim(worker: "test", lease: 60))
            try await world.queue.bury(claimed.id, worker: "test", error: "refused")
            let buriedID = try JSONDecoder().decode(InboxJobs.SyncPayload.self, from: Data(claimed.payload.utf8)).mailboxID
            let liveID = buriedID == sales.id ? office.id : sales.id
            let added = try await world.offlineMailbox(member, address: "info@romashka.ru")

            let pipeline = InboxPipeline(persistence: db, secretBox: world.secretBox, auditSink: world.audit, syncInterval: 900,
                                         logger: PipelineWorld.logger)
            try await pipeline.scheduleMailboxes()
            #expect(try await pipeline.scheduling.syncInterval(mailboxID: added.id) == 900, "a new schedule polls at the configured interval")
            #expect(try await pipeline.scheduling.syncInterval(mailboxID: liveID) == 900, "an existing one is moved to it")
            #expect(try await pipeline.scheduling.syncInterval(mailboxID: buriedID) == 900)
            #expect(try await world.queue.find(claimed.id)?.status == .dead, "a schedule a refused login ended stays ended")
            #expect(try await world.queue.counts(nil)[.queued] == 2)
        }
    }

    struct FakeOutbound: OutboundMessageLookup {
        let sent: [String: UUID]

        func outboundEmailIDs(forMessageIDs messageIDs: [String], companyID: UUID) async throws -> [String: UUID] {
            sent.filter { messageIDs.contains($0.key) }
        }
    }

    @Test func aReplyLinksToOurOutboundMailFirstThenToTheMessageItAnswers() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let mailbox = try await world.offlineMailbox(member)
            func message(_ item: String, _ id: String, inReplyTo: [String] = [], references: [String] = []) -> NewInboundMessage {
                NewInboundMessage(providerItemID: item, messageID: id, inReplyTo: inReplyTo, references: references, fromAddress: "ivan@buyer.ru",
                                  fromName: nil, toAddresses: ["sales@romashka.ru"], subject: "Вопрос", snippet: "", receivedAt: Date())
            }
            let stored = try await world.messages.store([
                message("i1", "<question@buyer.ru>"),
                message("i2", "answer@buyer.ru", inReplyTo: ["<question@buyer.ru>"], references: ["<question@buyer.ru>"]),
                message("i3", "reply-to-us@buyer.ru", inReplyTo: ["offer-1@romashka.ru"], references: ["question@buyer.ru", "offer-1@romashka.ru"]),
                message("i4", "alone@buyer.ru", inReplyTo: ["unknown@elsewhere.ru"]),
            ], companyID: member.companyID, mailboxID: mailbox.id)
            try #require(stored.count == 4)
            let offer = UUID()
            let linker = ReplyLinker(messages: world.messages, outbound: FakeOutbound(sent: ["offer-1@romashka.ru": offer]))
            #expect(try await linker.links(for: stored, companyID: member.companyID) == [
                ReplyLink(replyID: stored[1].id, target: .inbound(stored[0].id)),
                ReplyLink(replyID: stored[2].id, target: .outbound(offer)),
            ])
            // Without outbound mail the reply to us links to the thread it quotes.
            #expect(try await ReplyLinker(messages: world.messages).links(for: [stored[2]], companyID: member.companyID) == [
                ReplyLink(replyID: stored[2].id, target: .inbound(stored[0].id)),
            ])
            // Another tenant's messages are never found.
            let other = try await world.tenant("boris@lotos.ru", company: "Лотос")
            #expect(try await ReplyLinker(messages: world.messages).links(for: stored, companyID: other.companyID).isEmpty)
        }
    }

    @Test func thePlatformsProvidersComeFromTheEnvironment() async throws {
        #expect(try await EnvironmentLLMConfigurationSource(environment: [:]).providers(forCompany: UUID()).isEmpty)
        let source = EnvironmentLLMConfigurationSource(environment: [
            "SMARTYSALES_DEEPSEEK_API_KEY": "sk-deep",
            "SMARTYSALES_OPENAI_API_KEY": " sk-open ",
            "SMARTYSALES_OPENAI_MODEL": "gpt-test",
            "SMARTYSALES_OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "SMARTYSALES_ANTHROPIC_API_KEY": "",
        ])
        let providers = try await source.providers(forCompany: UUID())
        #expect(providers.map(\.kind) == [.openAI, .deepSeek])
        #expect(providers.first?.model == "gpt-test")
        #expect(providers.first?.apiKey == "sk-open")
        #expect(providers.first?.baseURL == "http://127.0.0.1:9/v1")
        #expect(providers.last?.model == EnvironmentLLMConfigurationSource.defaultModels[.deepSeek])
        #expect(providers.last?.baseURL == LLMProviderConfiguration.defaultBaseURL(for: .deepSeek))
    }

    @Test func anLLMCallIsAnAuditEventWithCountsOnly() async throws {
        let sink = MemoryAuditSink()
        let company = UUID()
        let recorder = AuditLLMUsageRecorder(sink: sink)
        await recorder.record(LLMUsageEvent(
            tenantID: company.uuidString, provider: .openAI, model: "gpt-4.1-mini", purpose: "classification",
            usage: LLMUsage(inputTokens: 1_200, outputTokens: 80, cachedInputTokens: 1_024), latency: .milliseconds(1_500),
            outcome: .ok, costMicros: 420, currency: "USD", startedAt: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(sink.all.count == 1)
        let event = try #require(sink.all.first)
        #expect(event.kind == "llm.call")
        #expect(event.companyID == company)
        #expect(event.durationMs == 1_500)
        // What the audit file writes after masking: the counts survive it.
        #expect(event.masked().details == [
            "provider": "openai", "model": "gpt-4.1-mini", "purpose": "classification", "input": "1200", "output": "80",
            "cached_input": "1024", "outcome": "ok", "cost_micros": "420", "currency": "USD",
        ])
    }
}
