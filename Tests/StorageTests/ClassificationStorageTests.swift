import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct ClassificationStorageTests {
    static func verdict(_ message: UUID, _ category: UUID?, confidence: Double = 0.9, source: String = "llm:openai/gpt-4.1-mini") -> NewClassification {
        NewClassification(messageID: message, categoryID: category, confidence: confidence, reason: "по тексту письма", source: source,
                          needsReview: confidence < 0.6)
    }

    static func rowCount(_ db: Persistence, _ table: String) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test func verdictsAreUpsertedAndNeverOverrideACorrection() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let message = try await world.messages.store([world.message("1:1", messageID: "m@x", subject: "Пришлите счёт")],
                                                         companyID: anna.companyID, mailboxID: mailbox.id)[0]
            let categories = try await world.categories.list(scope)
            let lead = categories[0].id, invoice = categories[1].id

            let first = try await world.classifications.save([Self.verdict(message.id, lead, confidence: 0.5)], companyID: anna.companyID)
            #expect(first.map(\.categoryID) == [lead] && first[0].needsReview)
            world.clock.advance(by: 10)
            let rerun = try await world.classifications.save([Self.verdict(message.id, invoice)], companyID: anna.companyID)
            #expect(rerun.map(\.categoryID) == [invoice] && !rerun[0].needsReview && rerun[0].classifiedAt == world.clock.now())
            #expect(try await Self.rowCount(db, "message_classifications") == 1, "one current verdict per message")

            let corrected = try await world.classifications.correct(anna, messageID: message.id, categoryID: lead)
            #expect(corrected.categoryID == lead && corrected.isCorrected && corrected.correctedBy == anna.userID)
            #expect(corrected.source == MessageClassification.correctionSource && corrected.confidence == 1 && !corrected.needsReview)

            let afterCorrection = try await world.classifications.save([Self.verdict(message.id, invoice)], companyID: anna.companyID)
            #expect(afterCorrection.map(\.categoryID) == [lead], "a classifier never overrides a person")
            #expect(try await world.classifications.classification(forMessage: message.id, scope: scope)?.categoryID == lead)

            let examples = try await world.classifications.corrections(scope)
            #expect(examples.count == 1)
            #expect(examples[0].sender == "Иван Петров <ivan@buyer.ru>" && examples[0].subject == "Пришлите счёт" && examples[0].categoryID == lead)
            _ = try await world.classifications.correct(anna, messageID: message.id, categoryID: invoice)
            let replaced = try await world.classifications.trainingExamples(companyID: anna.companyID)
            #expect(replaced.map(\.categoryID) == [invoice], "correcting again replaces the example")
        }
    }

    @Test func correctionsAreCountedAndTheNewestAreReadPerCategory() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let messages = try await world.messages.store(
                (0..<7).map { world.message("1:\($0)", messageID: "m\($0)@x", subject: "Письмо \($0)") }, companyID: anna.companyID, mailboxID: mailbox.id)
            let categories = try await world.categories.list(.tenant(anna))
            let lead = categories[0].id, invoice = categories[1].id
            try await world.classifications.save([Self.verdict(messages[0].id, lead)], companyID: anna.companyID)
            for message in messages.prefix(6) {
                world.clock.advance(by: 10)
                _ = try await world.classifications.correct(anna, messageID: message.id, categoryID: invoice)
            }
            world.clock.advance(by: 10)
            _ = try await world.classifications.correct(anna, messageID: messages[6].id, categoryID: lead)

            #expect(try await world.classifications.correctionCounts(.tenant(anna)) == [invoice: 6, lead: 1])
            #expect(try await world.classifications.correctionCounts(.tenant(boris)).isEmpty)

            let latest = try await world.classifications.latestCorrectionsByCategory(companyID: anna.companyID, perCategory: 5)
            #expect(latest[invoice]?.map(\.messageID) == [5, 4, 3, 2, 1].map { messages[$0].id }, "the newest five, newest first")
            #expect(latest[lead]?.map(\.messageID) == [messages[6].id])
            #expect(latest[invoice]?.first?.subject == "Письмо 5")
            #expect(try await world.classifications.latestCorrectionsByCategory(companyID: boris.companyID, perCategory: 5).isEmpty)

            // "From" is what the classifier said, and stays so when the message is corrected again.
            let byMessage = { (id: UUID) async throws -> ClassificationCorrection? in
                try await world.classifications.corrections(.tenant(anna)).first { $0.messageID == id }
            }
            #expect(try await byMessage(messages[0].id)?.previousCategoryID == lead)
            #expect(try await byMessage(messages[1].id)?.previousCategoryID == nil, "no verdict before")
            world.clock.advance(by: 10)
            _ = try await world.classifications.correct(anna, messageID: messages[0].id, categoryID: lead)
            let again = try #require(try await byMessage(messages[0].id))
            #expect(again.categoryID == lead && again.previousCategoryID == lead)

            let found = try await world.classifications.correction(again.id, scope: .tenant(anna))
            #expect(found == again)
            await #expect(throws: StorageError.notFound) { _ = try await world.classifications.correction(again.id, scope: .tenant(boris)) }
        }
    }

    @Test func verdictsStayInsideTheTenant() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let mailbox = try await world.mailbox(anna, "sales@a.ru")
            let message = try await world.messages.store([world.message("1:1")], companyID: anna.companyID, mailboxID: mailbox.id)[0]
            let annasLead = try await world.categories.list(.tenant(anna))[0].id
            let borisLead = try await world.categories.list(.tenant(boris))[0].id

            #expect(try await world.classifications.save([Self.verdict(message.id, borisLead)], companyID: boris.companyID).isEmpty,
                    "B cannot classify A's message")
            #expect(try await Self.rowCount(db, "message_classifications") == 0)
            let foreignCategory = try await world.classifications.save([Self.verdict(message.id, borisLead)], companyID: anna.companyID)
            #expect(foreignCategory.first?.categoryID == nil && foreignCategory.first?.needsReview == true,
                    "a category that is not the tenant's is no category")

            await #expect(throws: StorageError.notFound) {
                _ = try await world.classifications.correct(boris, messageID: message.id, categoryID: borisLead)
            }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.classifications.correct(anna, messageID: message.id, categoryID: borisLead)
            }
            #expect(try await world.classifications.classification(forMessage: message.id, scope: .tenant(boris)) == nil)
            #expect(try await world.classifications.corrections(.tenant(boris)).isEmpty)
            _ = try await world.classifications.correct(anna, messageID: message.id, categoryID: annasLead)
            let example = try #require(try await world.classifications.corrections(.tenant(anna)).first)
            await #expect(throws: StorageError.notFound) { try await world.classifications.deleteCorrection(boris, id: example.id) }
            try await world.classifications.deleteCorrection(anna, id: example.id)
            #expect(try await world.classifications.trainingExamples(companyID: anna.companyID).isEmpty)
        }
    }
}

/// Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct LabelActionStorageTests {
    @Test func recordingTheSameActionsAgainRecordsNothing() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let message = try await world.messages.store([world.message("1:1")], companyID: anna.companyID, mailboxID: mailbox.id)[0]
            let plan: [NewLabelAction] = [
                .move(message.id, to: "Счета"), .markRead(message.id), .applyLabel("SmartySales/Счёт", to: message.id),
                .applyLabel("SmartySales/Счёт", to: message.id),
            ]
            let first = try await world.labels.enqueue(plan, companyID: anna.companyID)
            #expect(first.count == 3)
            #expect(first.allSatisfy { $0.mailboxID == mailbox.id && $0.status == .pending && $0.attempts == 0 })
            #expect(try await world.labels.enqueue(plan, companyID: anna.companyID).isEmpty)

            let pending = try await world.labels.pending(mailboxID: mailbox.id, companyID: anna.companyID)
            #expect(pending.map(\.kind) == [.applyLabel, .markRead, .move], "the move comes last")
            #expect(try await world.labels.mailboxesWithPendingActions(companyID: anna.companyID) == [mailbox.id])

            try await world.labels.markDone(pending.map(\.id), companyID: anna.companyID)
            #expect(try await world.labels.pending(mailboxID: mailbox.id, companyID: anna.companyID).isEmpty)
            #expect(try await world.labels.enqueue(plan, companyID: anna.companyID).isEmpty, "done stays done: nothing is applied twice")
            let recorded = try await world.labels.actions(forMessage: message.id, scope: .tenant(anna))
            #expect(recorded.count == 3 && recorded.allSatisfy { $0.status == .done && $0.doneAt == world.clock.now() })
            #expect(try await ClassificationStorageTests.rowCount(db, "label_actions") == 3)
        }
    }

    @Test func failuresAreRetriedThenKeptWithTheirReason() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let message = try await world.messages.store([world.message("1:1")], companyID: anna.companyID, mailboxID: mailbox.id)[0]
            let action = try #require(try await world.labels.enqueue([.applyLabel("Lead", to: message.id)], companyID: anna.companyID).first)

            let once = try await world.labels.markFailed(action.id, companyID: anna.companyID, error: "server busy", maximumAttempts: 3)
            #expect(once.status == .pending && once.attempts == 1 && once.lastError == "server busy")
            _ = try await world.labels.markFailed(action.id, companyID: anna.companyID, error: "server busy", maximumAttempts: 3)
            let last = try await world.labels.markFailed(action.id, companyID: anna.companyID, error: "[LIMIT] too many keywords", maximumAttempts: 3)
            #expect(last.status == .failed && last.attempts == 3 && last.lastError == "[LIMIT] too many keywords")
            #expect(try await world.labels.pending(mailboxID: mailbox.id, companyID: anna.companyID).isEmpty)

            await #expect(throws: StorageError.notFound) { try await world.labels.retryFailed(boris, messageID: message.id) }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.labels.markFailed(action.id, companyID: boris.companyID, error: "x")
            }
            #expect(try await world.labels.enqueue([.applyLabel("Lead", to: message.id)], companyID: boris.companyID).isEmpty,
                    "B cannot queue actions on A's message")
            #expect(try await world.labels.actions(forMessage: message.id, scope: .tenant(boris)).isEmpty)

            try await world.labels.retryFailed(anna, messageID: message.id)
            let retried = try await world.labels.pending(mailboxID: mailbox.id, companyID: anna.companyID)
            #expect(retried.map(\.id) == [action.id] && retried[0].attempts == 0)
        }
    }
}
