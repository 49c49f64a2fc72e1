import Classifier
import Domain
import Foundation
import LLM
import Observability
import ProviderFakes
import Storage
import TestSupport
import Testing
@testable import Workers

/// The tenant's own LLM keys as the classify worker uses them, and the embedded classifier it
/// keeps between runs. No mail server is needed: messages are stored as the sync would store
/// them, and the classify handler is run directly.
@Suite struct TenantLLMTests {
    static func message(_ index: Int, subject: String = "Прошу выставить счёт") -> NewInboundMessage {
        NewInboundMessage(
            providerItemID: "item-\(index)", messageID: "message-\(index)@buyer.ru", fromAddress: "ivan\(index)@buyer.ru", fromName: nil,
            toAddresses: ["sales@romashka.ru"], subject: "\(subject) №\(index)", snippet: "Добрый день! \(subject), пожалуйста.",
            receivedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(index) * 60))
    }

    /// Stores messages and runs one classify job over them, as the sync would queue it.
    static func classify(_ messages: [NewInboundMessage], _ world: PipelineWorld, _ pipeline: InboxPipeline, member: TenantMember,
                         mailbox: Mailbox) async throws -> [InboundMessage] {
        let stored = try await world.messages.store(messages, companyID: member.companyID, mailboxID: mailbox.id)
        try await pipeline.classify.run(PipelineWorld.job(InboxJobs.classify(messageIDs: stored.map(\.id), companyID: member.companyID)),
                                        context: PipelineWorld.context)
        return stored
    }

    @Test func theClassifyJobCallsTheTenantsOwnProviderWithTheTenantsKey() async throws {
        let openAI = try await FakeOpenAIServer.start(apiKey: "sk-tenant-own-key-0123456789", script: FakeScript(answer: InboxPipelineTests.firstCategoryAnswer))
        do {
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let settings = LLMProviderSettingsRepository(persistence: db, secretBox: world.secretBox)
                _ = try await settings.save(
                    member, id: nil, try TenantLLMProviderDraft(provider: .openAI, model: "gpt-4.1-mini", baseURL: openAI.baseURL).validated(),
                    apiKey: openAI.apiKey)
                // The platform's default points nowhere: were it used, the job would fail over to the embedded classifier.
                let platform = FixedLLMConfigurationSource([
                    LLMProviderConfiguration(kind: .deepSeek, model: "deepseek-chat", apiKey: "sk-platform-default", baseURL: "http://127.0.0.1:9"),
                ])
                let pipeline = world.pipeline(llm: TenantLLMConfigurationSource(settings: settings, platformDefault: platform))
                let mailbox = try await world.offlineMailbox(member)
                let stored = try await Self.classify((1...3).map { Self.message($0) }, world, pipeline, member: member, mailbox: mailbox)

                let requests = openAI.script.receivedRequests
                #expect(!requests.isEmpty)
                #expect(requests.allSatisfy { $0.header("authorization") == "Bearer \(openAI.apiKey)" }, "the tenant's key, in the header")
                #expect(requests.allSatisfy { !$0.rawBody.contains(openAI.apiKey) }, "and nowhere else")
                let verdicts = try await world.classifications.classifications(stored.map(\.id), companyID: member.companyID)
                #expect(verdicts.count == 3)
                #expect(verdicts.allSatisfy { $0.source.hasPrefix("llm:openai/") && $0.reason == "the fake model read it" }, "\(verdicts.map(\.source))")
                let calls = world.audit.of(kind: AuditLLMUsageRecorder.eventKind)
                #expect(calls.count == requests.count)
                #expect(calls.allSatisfy { $0.companyID == member.companyID && $0.details["provider"] == "openai" })
                let written = world.audit.all.flatMap { $0.masked().details.values }
                #expect(!written.contains { $0.contains(openAI.apiKey) })
            }
            await openAI.stop()
        } catch {
            await openAI.stop()
            throw error
        }
    }

    @Test func aTenantWithoutKeysOfItsOwnGetsThePlatformsAndWithoutThoseNone() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let anna = try await world.tenant()
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            let settings = LLMProviderSettingsRepository(persistence: db, secretBox: world.secretBox)
            let source = TenantLLMConfigurationSource(
                settings: settings, platformDefault: EnvironmentLLMConfigurationSource(environment: ["SMARTYSALES_DEEPSEEK_API_KEY": "sk-platform"]))
            #expect(try await source.providers(forCompany: anna.companyID).map(\.kind) == [.deepSeek])

            _ = try await settings.save(anna, id: nil, try TenantLLMProviderDraft(provider: .anthropic, model: "claude-sonnet-4-5").validated(),
                                        apiKey: "sk-ant-anna-0000-1111")
            _ = try await settings.save(anna, id: nil, try TenantLLMProviderDraft(provider: .openAI, model: "gpt-4.1-mini",
                                                                                 baseURL: "https://proxy.romashka.ru/v1").validated(),
                                        apiKey: "sk-open-anna-2222-3333")
            let annas = try await source.providers(forCompany: anna.companyID)
            #expect(annas.map(\.kind) == [.anthropic, .openAI], "the tenant's own, in its order, instead of the platform's")
            #expect(annas.map(\.apiKey) == ["sk-ant-anna-0000-1111", "sk-open-anna-2222-3333"])
            #expect(annas.map(\.model) == ["claude-sonnet-4-5", "gpt-4.1-mini"])
            #expect(annas.map(\.baseURL) == [LLMProviderConfiguration.defaultBaseURL(for: .anthropic), "https://proxy.romashka.ru/v1"])
            #expect(try await source.providers(forCompany: boris.companyID).map(\.apiKey) == ["sk-platform"], "Boris has no keys of his own")

            // Every key switched off: the platform's again.
            for provider in try await settings.list(.tenant(anna)) {
                _ = try await settings.save(anna, id: provider.id, TenantLLMProviderDraft(
                    provider: provider.provider, model: provider.model, baseURL: provider.baseURL, isEnabled: false), apiKey: "")
            }
            #expect(try await source.providers(forCompany: anna.companyID).map(\.apiKey) == ["sk-platform"])

            // No key anywhere: none, and the embedded classifier does the work.
            let bare = TenantLLMConfigurationSource(settings: settings, platformDefault: EnvironmentLLMConfigurationSource(environment: [:]))
            #expect(try await bare.providers(forCompany: anna.companyID).isEmpty)
        }
    }

    @Test func theEmbeddedClassifierIsTrainedOnceAndAgainOnlyWhenSomethingChanged() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let clock = TestClock()
            let pipeline = InboxPipeline(
                persistence: db, secretBox: world.secretBox, auditSink: world.audit, llmConfigurations: FixedLLMConfigurationSource([]),
                clock: clock, logger: PipelineWorld.logger)
            let stored = EmbeddedClassifierRepository(persistence: db)
            let mailbox = try await world.offlineMailbox(member)

            let first = try await Self.classify([Self.message(1)], world, pipeline, member: member, mailbox: mailbox)
            let trained = try #require(try await stored.load(companyID: member.companyID))
            #expect(trained.trainedAt == clock.now())
            #expect(trained.formatVersion == EmbeddedClassifier.formatVersion)
            #expect((try? EmbeddedClassifier(encoded: trained.encoded)) != nil, "what is stored is the classifier itself")
            let verdicts = try await world.classifications.classifications(first.map(\.id), companyID: member.companyID)
            #expect(verdicts.map(\.source) == [MessageClassification.embeddedSource])

            // Nothing new to learn: the stored classifier answers, untouched.
            clock.advance(by: 60)
            _ = try await Self.classify([Self.message(2)], world, pipeline, member: member, mailbox: mailbox)
            #expect(try await stored.load(companyID: member.companyID) == trained)
            // Another process reads the stored one (this one answers from memory) and keeps it.
            let other = InboxPipeline(
                persistence: db, secretBox: world.secretBox, auditSink: world.audit, llmConfigurations: FixedLLMConfigurationSource([]),
                clock: clock, logger: PipelineWorld.logger)
            let fromStore = try await Self.classify([Self.message(7)], world, other, member: member, mailbox: mailbox)
            #expect(try await world.classifications.classifications(fromStore.map(\.id), companyID: member.companyID).map(\.source)
                == [MessageClassification.embeddedSource])
            #expect(try await stored.load(companyID: member.companyID) == trained, "read, not trained again")

            // A correction: the next run trains again, and remembers what from.
            let category = try #require(try await world.categories.activeCategories(companyID: member.companyID).last)
            _ = try await world.classifications.correct(member, messageID: first[0].id, categoryID: category.id)
            clock.advance(by: 60)
            _ = try await Self.classify([Self.message(3)], world, pipeline, member: member, mailbox: mailbox)
            let retrained = try #require(try await stored.load(companyID: member.companyID))
            #expect(retrained.trainedAt == clock.now())
            #expect(retrained.fingerprint != trained.fingerprint)
            clock.advance(by: 60)
            _ = try await Self.classify([Self.message(4)], world, pipeline, member: member, mailbox: mailbox)
            #expect(try await stored.load(companyID: member.companyID) == retrained, "and then reuses it")

            // A category changed: trained again.
            let draft = InboxCategoryDraft(
                name: category.name, description: category.description, examples: category.examples + ["Просим прислать счёт на оплату поставки"],
                labelName: category.labelName, colour: category.colour, isActive: category.isActive)
            _ = try await world.categories.update(member, id: category.id, try draft.validated())
            clock.advance(by: 60)
            _ = try await Self.classify([Self.message(5)], world, pipeline, member: member, mailbox: mailbox)
            let afterEdit = try #require(try await stored.load(companyID: member.companyID))
            #expect(afterEdit.trainedAt == clock.now() && afterEdit.fingerprint != retrained.fingerprint)

            // Stored by an older version of the classifier: refused and trained again. That is a
            // new process (a new version of the program), without the classifier the old one
            // kept in memory.
            try await stored.save(companyID: member.companyID, encoded: afterEdit.encoded, formatVersion: EmbeddedClassifier.formatVersion - 1,
                                  fingerprint: afterEdit.fingerprint)
            clock.advance(by: 60)
            let restarted = InboxPipeline(
                persistence: db, secretBox: world.secretBox, auditSink: world.audit, llmConfigurations: FixedLLMConfigurationSource([]),
                clock: clock, logger: PipelineWorld.logger)
            _ = try await Self.classify([Self.message(6)], world, restarted, member: member, mailbox: mailbox)
            let upgraded = try #require(try await stored.load(companyID: member.companyID))
            #expect(upgraded.formatVersion == EmbeddedClassifier.formatVersion)
            #expect(upgraded.trainedAt == clock.now())
            #expect(upgraded.fingerprint == afterEdit.fingerprint)
        }
    }
}
