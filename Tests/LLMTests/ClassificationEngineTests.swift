import Classifier
import Foundation
import LLM
import Testing

/// The engine against a scripted model: batching, the retry of missing answers, validation of
/// what comes back, and the embedded classifier as fallback, first pass and sole classifier.
@Suite struct ClassificationEngineTests {
    typealias Fixtures = ClassificationFixtures

    static let mail = [Fixtures.priceRequest, Fixtures.aprilInvoices, Fixtures.application]

    @Test func aCorrectAnswerBecomesVerdictsInTheOrderGiven() async throws {
        let client = ScriptedClassificationClient { _, request in Fixtures.correctAnswer(to: request) }
        let verdicts = try await ClassificationEngine(llm: client).classify(Self.mail, into: Fixtures.categories)
        #expect(verdicts.map(\.messageID) == ["msg-price", "msg-invoices", "msg-cv"])
        #expect(verdicts.map(\.categoryID) == ["lead", "invoice", "cv"])
        #expect(verdicts.allSatisfy { $0.source == .llm(provider: .openAI, model: "scripted") && !$0.needsReview })
        #expect(await client.requests.count == 1)
    }

    @Test func twentyFiveMessagesInBatchesOfTenTakeThreeCalls() async throws {
        let client = ScriptedClassificationClient { _, request in Fixtures.correctAnswer(to: request) }
        let messages = Fixtures.numbered(25)
        let engine = ClassificationEngine(llm: client, options: ClassificationOptions(batchSize: 10))
        let verdicts = try await engine.classify(messages, into: Fixtures.categories)
        let requests = await client.requests
        #expect(requests.count == 3)
        #expect(requests.map { Fixtures.blocks(in: $0).count }.sorted() == [5, 10, 10])
        #expect(verdicts.map(\.messageID) == messages.map(\.id))
        #expect(verdicts.allSatisfy { $0.categoryID == "lead" })
    }

    @Test func theSystemPartIsByteIdenticalAcrossBatches() async throws {
        let client = ScriptedClassificationClient { _, request in Fixtures.correctAnswer(to: request) }
        let engine = ClassificationEngine(llm: client, options: ClassificationOptions(batchSize: 10))
        _ = try await engine.classify(Fixtures.numbered(20), into: Fixtures.categories)
        _ = try await engine.classify(Fixtures.numbered(3), into: Fixtures.categories.reversed())
        let requests = await client.requests
        #expect(requests.count == 3)
        let systems = Set(requests.map { Array($0.system.utf8) })
        #expect(systems.count == 1)
        // Full batches send the same schema too: it is part of what providers cache.
        #expect(requests[0].schema == requests[1].schema)
    }

    @Test func missingMessagesAreAskedAboutAgainAlone() async throws {
        let client = ScriptedClassificationClient { call, request in
            call == 1 ? Fixtures.answer([Fixtures.result("m1", "lead"), Fixtures.result("m3", "cv")])
                      : Fixtures.correctAnswer(to: request)
        }
        let verdicts = try await ClassificationEngine(llm: client).classify(Self.mail, into: Fixtures.categories)
        let requests = await client.requests
        #expect(requests.count == 2)
        #expect(Fixtures.subjects(in: requests[1]) == [Fixtures.aprilInvoices.subject])
        #expect(Fixtures.strings(Fixtures.resultSchema(of: requests[1])?["properties"]?["key"]?["enum"]) == ["m1"])
        #expect(verdicts.map(\.categoryID) == ["lead", "invoice", "cv"])
    }

    @Test func whatIsNeverAnsweredGoesToReviewAfterTwoMoreTries() async throws {
        let client = ScriptedClassificationClient { _, _ in Fixtures.answer([]) }
        let verdicts = try await ClassificationEngine(llm: client).classify(Self.mail, into: Fixtures.categories)
        #expect(await client.requests.count == 3)
        #expect(verdicts.allSatisfy { $0.needsReview && $0.categoryID == nil && $0.source == .unanswered && $0.reason == "no answer" })
    }

    @Test func anInjectedMessageCanAtMostBeMisclassified() async throws {
        // A model that obeys the injection still has to answer from the enum: the label is
        // wrong, but it is one of the tenant's categories and nothing else happens.
        let obedient = ScriptedClassificationClient { _, request in
            Fixtures.answer(Fixtures.blocks(in: request).map { Fixtures.result($0.key, "invoice", confidence: 1) })
        }
        let verdicts = try await ClassificationEngine(llm: obedient)
            .classify([Fixtures.priceRequest, Fixtures.injection], into: Fixtures.categories)
        #expect(verdicts[1].messageID == "msg-injection")
        #expect(verdicts[1].categoryID == "invoice")
        let request = try #require(await obedient.requests.first)
        let injected = try #require(Fixtures.blocks(in: request).last)
        #expect(injected.key == "m2")
        #expect(injected.lines.contains { $0.contains("Ignore previous instructions") })
        #expect(Fixtures.strings(Fixtures.resultSchema(of: request)?["properties"]?["category"]?["enum"]) == ["cv", "invoice", "lead", "none"])
    }

    @Test func aMadeUpCategoryIsRejectedNotStored() async throws {
        // A provider in JSON mode is not held to the schema: the engine is.
        let client = ScriptedClassificationClient { _, request in
            Fixtures.answer(Fixtures.blocks(in: request).map { block in
                block.lines.contains { $0.contains("Ignore previous") }
                    ? Fixtures.result(block.key, "invoice-urgent", confidence: 1)
                    : Fixtures.result(block.key, "lead")
            })
        }
        let verdicts = try await ClassificationEngine(llm: client)
            .classify([Fixtures.priceRequest, Fixtures.injection], into: Fixtures.categories)
        let known = Set(Fixtures.categories.map(\.id))
        #expect(verdicts.compactMap(\.categoryID).allSatisfy { known.contains($0) })
        #expect(verdicts[0].categoryID == "lead")
        #expect(verdicts[1].categoryID == nil)
        #expect(verdicts[1].needsReview)
        #expect(verdicts[1].source == .unanswered)
        #expect(verdicts[1].reason.contains("unknown category"))
        // Asked again twice, alone.
        let requests = await client.requests
        #expect(requests.count == 3)
        #expect(requests.dropFirst().allSatisfy { Fixtures.subjects(in: $0) == [Fixtures.injection.subject] })
    }

    @Test func answersAreValidatedKeyByKey() async throws {
        let longReason = String(repeating: "очень длинная причина ", count: 30)
        let client = ScriptedClassificationClient { _, _ in
            Fixtures.answer([
                Fixtures.result("m9", "cv"),
                Fixtures.result("m1", "lead", confidence: 1.7, reason: "  Просит цену  \nвторая строка"),
                Fixtures.result("m1", "cv"),
                Fixtures.result("m2", "none", confidence: -3, reason: longReason),
                .object(["key": .string("m3"), "category": .string("cv"), "confidence": .string("high"), "reason": .null]),
            ])
        }
        let verdicts = try await ClassificationEngine(llm: client).classify(Self.mail, into: Fixtures.categories)
        #expect(await client.requests.count == 1)
        #expect(verdicts[0].categoryID == "lead")
        #expect(verdicts[0].confidence == 1)
        #expect(verdicts[0].reason == "Просит цену")
        #expect(!verdicts[0].needsReview)
        #expect(verdicts[1].categoryID == nil)
        #expect(verdicts[1].confidence == 0)
        #expect(verdicts[1].needsReview)
        #expect(verdicts[1].reason.count == ClassificationVerdict.maxReasonLength)
        #expect(verdicts[1].source == .llm(provider: .openAI, model: "scripted"))
        #expect(verdicts[2].categoryID == "cv")
        #expect(verdicts[2].confidence == 0)
        #expect(verdicts[2].needsReview)
        #expect(verdicts[2].reason == "")
    }

    @Test func aConfidentNoneIsAnAnswerNotAReview() async throws {
        let client = ScriptedClassificationClient { _, _ in Fixtures.answer([Fixtures.result("m1", "none", confidence: 0.95)]) }
        let verdicts = try await ClassificationEngine(llm: client).classify([Fixtures.gibberish], into: Fixtures.categories)
        #expect(verdicts[0].categoryID == nil)
        #expect(!verdicts[0].needsReview)
    }

    @Test func theEmbeddedClassifierTakesOverWhenTheModelFails() async throws {
        let client = ScriptedClassificationClient { _, _ in
            throw LLMError.unreachable(provider: .openAI, message: "connection refused")
        }
        let embedded = EmbeddedClassifier(categories: Fixtures.categories.map(\.seed))
        let engine = ClassificationEngine(llm: client, embedded: embedded)
        let verdicts = try await engine.classify(Self.mail + [Fixtures.gibberish], into: Fixtures.categories)
        #expect(await client.requests.count == 1)
        #expect(verdicts.allSatisfy { $0.source == .embedded })
        #expect(verdicts.map(\.categoryID) == ["lead", "invoice", "cv", nil])
        #expect(verdicts[3].needsReview)
    }

    @Test func withoutAFallbackAFailureKeepsWhatTheModelDidAnswer() async throws {
        let client = ScriptedClassificationClient { _, request in
            if Fixtures.subjects(in: request).contains(Fixtures.aprilInvoices.subject) {
                throw LLMError.quotaExhausted(provider: .openAI, message: "insufficient_quota")
            }
            return Fixtures.correctAnswer(to: request)
        }
        let engine = ClassificationEngine(llm: client, options: ClassificationOptions(batchSize: 2))
        do {
            _ = try await engine.classify(Self.mail + [Fixtures.gibberish], into: Fixtures.categories)
            Issue.record("expected ClassificationIncomplete")
        } catch let incomplete as ClassificationIncomplete {
            #expect(incomplete.unclassifiedMessageIDs == ["msg-price", "msg-invoices"])
            #expect(incomplete.verdicts.map(\.messageID) == ["msg-cv", "msg-gibberish"])
            #expect((incomplete.cause as? LLMError) == .quotaExhausted(provider: .openAI, message: "insufficient_quota"))
        }
    }

    @Test func withoutAModelTheEmbeddedClassifierAnswersAlone() async throws {
        let verdicts = try await ClassificationEngine(llm: nil)
            .classify(Self.mail + [Fixtures.gibberish], into: Fixtures.categories)
        #expect(verdicts.map(\.categoryID) == ["lead", "invoice", "cv", nil])
        #expect(verdicts.allSatisfy { $0.source == .embedded })
        #expect(verdicts.map(\.needsReview) == [false, false, false, true])
        #expect(abs(verdicts[1].confidence - 0.9037) < 0.001)
    }

    @Test func theCheapFirstPassSkipsTheModelForWhatTheEmbeddedClassifierIsSureOf() async throws {
        let client = ScriptedClassificationClient { _, request in Fixtures.correctAnswer(to: request) }
        let engine = ClassificationEngine(llm: client, embedded: EmbeddedClassifier(categories: Fixtures.categories.map(\.seed)),
                                          options: ClassificationOptions(embeddedShortcutThreshold: 0.9))
        let verdicts = try await engine.classify(Self.mail + [Fixtures.gibberish], into: Fixtures.categories)
        #expect(verdicts[1].source == .embedded)
        #expect(verdicts[1].categoryID == "invoice")
        #expect(verdicts[3].source == .llm(provider: .openAI, model: "scripted"))
        let sent = await client.requests.flatMap(Fixtures.subjects(in:))
        #expect(!sent.contains(Fixtures.aprilInvoices.subject))
        #expect(sent.contains(Fixtures.gibberish.subject))
    }

    @Test func noMoreBatchesAreInFlightThanAllowed() async throws {
        let client = ScriptedClassificationClient(latency: .milliseconds(20)) { _, request in Fixtures.correctAnswer(to: request) }
        let engine = ClassificationEngine(llm: client, options: ClassificationOptions(batchSize: 5, maxConcurrentBatches: 2))
        let verdicts = try await engine.classify(Fixtures.numbered(30), into: Fixtures.categories)
        #expect(verdicts.count == 30)
        #expect(await client.requests.count == 6)
        #expect(await client.mostInFlight <= 2)
    }

    @Test func withoutCategoriesNothingIsAsked() async throws {
        let client = ScriptedClassificationClient { _, request in Fixtures.correctAnswer(to: request) }
        let verdicts = try await ClassificationEngine(llm: client).classify(Self.mail, into: [])
        #expect(await client.requests.isEmpty)
        #expect(verdicts.allSatisfy { $0.needsReview && $0.source == .unanswered })
    }
}
