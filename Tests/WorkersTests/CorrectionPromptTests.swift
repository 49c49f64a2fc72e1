import Domain
import Foundation
import LLM
import ProviderFakes
import Storage
import TestSupport
import Testing
@testable import Workers

/// A person's correction reaches the tenant's LLM: the next classify job's prompt shows it under
/// the category it was moved to, and once deleted it is gone from the prompt and the embedded
/// classifier is trained again without it.
@Suite struct CorrectionPromptTests {
    static let correctedLine = "Corrected by a person into this category: Акт сверки за май №1 — from buyer.ru — Добрый день!"

    /// The lines of the system prompt that belong to one category: its own line, its examples
    /// and its corrections (up to the next category).
    static func block(of categoryID: UUID, in system: String) -> String {
        let lines = system.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("- \"\(categoryID.uuidString)\":") }) else { return "" }
        let rest = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }
        return ([lines[start]] + rest).joined(separator: "\n")
    }

    @Test func aCorrectionIsInTheNextPromptUntilItIsDeleted() async throws {
        let openAI = try await FakeOpenAIServer.start(script: FakeScript(answer: InboxPipelineTests.firstCategoryAnswer))
        do {
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let pipeline = world.pipeline(llm: FixedLLMConfigurationSource([
                    LLMProviderConfiguration(kind: .openAI, model: "gpt-4.1-mini", apiKey: openAI.apiKey, baseURL: openAI.baseURL),
                ]))
                let stored = EmbeddedClassifierRepository(persistence: db)
                let mailbox = try await world.offlineMailbox(member)
                let target = try #require(try await world.categories.activeCategories(companyID: member.companyID).last)

                let first = try await TenantLLMTests.classify([TenantLLMTests.message(1, subject: "Акт сверки за май")], world, pipeline,
                                                              member: member, mailbox: mailbox)
                let untaught = try #require(openAI.script.receivedRequests.last?.system)
                #expect(!untaught.contains("Corrected by a person"))
                let plain = try #require(try await stored.load(companyID: member.companyID)).fingerprint

                _ = try await world.classifications.correct(member, messageID: first[0].id, categoryID: target.id)
                _ = try await TenantLLMTests.classify([TenantLLMTests.message(2)], world, pipeline, member: member, mailbox: mailbox)
                let taught = try #require(openAI.script.receivedRequests.last?.system)
                #expect(Self.block(of: target.id, in: taught).contains(Self.correctedLine), "under the category it was moved to:\n\(taught)")
                #expect(taught.components(separatedBy: "Corrected by a person").count == 2, "once")
                #expect(!taught.contains("ivan1@buyer.ru"), "the sender's domain, not the address")
                let withCorrection = try #require(try await stored.load(companyID: member.companyID)).fingerprint
                #expect(withCorrection != plain)

                let correction = try #require(try await world.classifications.corrections(.tenant(member)).first)
                try await world.classifications.deleteCorrection(member, id: correction.id)
                _ = try await TenantLLMTests.classify([TenantLLMTests.message(3)], world, pipeline, member: member, mailbox: mailbox)
                let forgotten = try #require(openAI.script.receivedRequests.last?.system)
                #expect(!forgotten.contains("Акт сверки"))
                let retrained = try #require(try await stored.load(companyID: member.companyID)).fingerprint
                #expect(retrained != withCorrection, "trained again without the deleted example")
                #expect(retrained == plain, "from exactly what it had before the correction")
            }
            await openAI.stop()
        } catch {
            await openAI.stop()
            throw error
        }
    }

    @Test func aCorrectionBecomesASubjectTheSendersDomainAndTheSnippetsStart() {
        let long = String(repeating: "очень длинный текст ", count: 20)
        let correction = ClassificationCorrection(
            id: UUID(), companyID: UUID(), messageID: nil, categoryID: UUID(), sender: "Иван Петров <Ivan@Buyer.RU>", subject: " Счёт №5 ",
            snippet: long, correctedBy: UUID(), createdAt: Date())
        let text = CorrectionExampleText.make(correction)
        #expect(text.hasPrefix("Счёт №5 — from buyer.ru — очень длинный текст"))
        #expect(text.hasSuffix("…"))
        #expect(text.count < long.count)
        #expect(CorrectionExampleText.senderDomain("no address") == nil)
        #expect(CorrectionExampleText.senderDomain("ivan@zavod.ru") == "zavod.ru")
    }
}
