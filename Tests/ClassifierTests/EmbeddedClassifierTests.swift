import Foundation
import Testing
import Classifier

@Suite struct EmbeddedClassifierTests {
    @Test func classifiesFromTheCategoryDescriptionsAlone() {
        let classifier = EmbeddedClassifier(categories: SalesCategories.seeds)
        #expect(classifier.categoryIDs == ["lead", "invoice", "cv"])
        #expect(classifier.classify(SalesCategories.priceRequest).categoryID == "lead")
        #expect(classifier.classify(SalesCategories.aprilInvoices).categoryID == "invoice")
        #expect(classifier.classify(SalesCategories.application).categoryID == "cv")
        #expect(classifier.classify(SalesCategories.englishInvoice).categoryID == "invoice")
        #expect(classifier.classify(SalesCategories.englishApplication).categoryID == "cv")
    }

    @Test func confidenceIsACalibratedProbability() {
        let verdict = EmbeddedClassifier(categories: SalesCategories.seeds).classify(SalesCategories.aprilInvoices)
        // The prototype gives 0.9037 for invoice, 0.0830 for cv, 0.0133 for lead.
        #expect(abs(verdict.confidence - 0.9037) < 0.001)
        #expect(verdict.alternatives.map(\.categoryID) == ["invoice", "cv", "lead"])
        #expect(abs(verdict.alternatives.map(\.probability).reduce(0, +) - 1) < 1e-9)
    }

    @Test func aMessageOfUnseenWordsNeedsReview() {
        let verdict = EmbeddedClassifier(categories: SalesCategories.seeds).classify(SalesCategories.gibberish)
        #expect(verdict.needsReview)
        #expect(verdict.categoryID == nil)
        #expect(abs(verdict.confidence - 1.0 / 3) < 1e-9)
    }

    @Test func lowConfidenceNeedsReviewButKeepsItsBestGuess() {
        let classifier = EmbeddedClassifier(categories: SalesCategories.seeds)
        // One known word ("договор" is in no category; "на" is everywhere): invoice 0.46, cv 0.46.
        let verdict = classifier.classify(SalesCategories.shortContractNote)
        #expect(verdict.needsReview)
        #expect(verdict.bestGuess == "invoice")
        #expect(verdict.confidence < EmbeddedClassifier.defaultReviewThreshold)

        var strict = classifier
        strict.reviewThreshold = 0.95
        #expect(strict.classify(SalesCategories.aprilInvoices).needsReview)
        #expect(strict.classify(SalesCategories.aprilInvoices).bestGuess == "invoice")
    }

    @Test func oneCorrectionFlipsTheVerdictAndGeneralises() {
        var classifier = EmbeddedClassifier(categories: SalesCategories.seeds)
        #expect(classifier.classify(SalesCategories.supplyContract).categoryID == "invoice")

        classifier.learn(SalesCategories.supplyContract, categoryID: "lead")

        let corrected = classifier.classify(SalesCategories.supplyContract)
        #expect(corrected.categoryID == "lead")
        #expect(abs(corrected.confidence - 0.8912) < 0.001)
        // A similar message from the same company follows the correction…
        let similar = ClassifierInput(sender: "zakupki@logist.ru", subject: "Новый договор поставки",
                                      snippet: "Просим согласовать договор поставки станков.")
        #expect(classifier.classify(similar).categoryID == "lead")
        // …and what it did not touch stays where it was.
        #expect(classifier.classify(SalesCategories.aprilInvoices).categoryID == "invoice")
    }

    @Test func aCorrectionToANewCategoryAddsIt() {
        var classifier = EmbeddedClassifier(categories: SalesCategories.seeds)
        classifier.learn(SalesCategories.supplyContract, categoryID: "contract", weight: 3)
        #expect(classifier.categoryIDs == ["lead", "invoice", "cv", "contract"])
        #expect(classifier.classify(SalesCategories.supplyContract).categoryID == "contract")
    }

    @Test func aRemovedCategoryIsNeverAnswered() {
        var classifier = EmbeddedClassifier(categories: SalesCategories.seeds)
        classifier.removeCategory(id: "invoice")
        #expect(classifier.categoryIDs == ["lead", "cv"])
        let verdict = classifier.classify(SalesCategories.aprilInvoices)
        #expect(!verdict.alternatives.contains { $0.categoryID == "invoice" })
        // Removing what was added gives back the model without it.
        var added = EmbeddedClassifier(categories: SalesCategories.seeds)
        added.addCategory(CategorySeed(id: "spam", name: "Спам", description: "Реклама и рассылки"))
        added.removeCategory(id: "spam")
        #expect(added == EmbeddedClassifier(categories: SalesCategories.seeds))
    }

    @Test func persistenceRoundTripGivesIdenticalVerdicts() throws {
        var classifier = EmbeddedClassifier(categories: SalesCategories.seeds, reviewThreshold: 0.7)
        classifier.learn(SalesCategories.supplyContract, categoryID: "lead")
        let restored = try EmbeddedClassifier(encoded: classifier.encoded())
        #expect(restored == classifier)
        #expect(restored.reviewThreshold == 0.7)
        let inputs = [SalesCategories.priceRequest, SalesCategories.aprilInvoices, SalesCategories.application,
                      SalesCategories.englishInvoice, SalesCategories.supplyContract, SalesCategories.shortContractNote,
                      SalesCategories.gibberish]
        for input in inputs {
            #expect(restored.classify(input) == classifier.classify(input))
        }
        // Encoding is stable, so a stored classifier that did not change is not rewritten.
        #expect(try restored.encoded() == classifier.encoded())
    }

    @Test func aStoredClassifierOfAnotherFormatIsRefused() throws {
        let data = try EmbeddedClassifier(categories: SalesCategories.seeds).encoded()
        var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["formatVersion"] = EmbeddedClassifier.formatVersion + 1
        let changed = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { _ = try EmbeddedClassifier(encoded: changed) }
    }

    @Test func anEmptyClassifierAlwaysNeedsReview() {
        let verdict = EmbeddedClassifier(categories: []).classify(SalesCategories.priceRequest)
        #expect(verdict.needsReview)
        #expect(verdict.alternatives.isEmpty)
    }
}
