import Testing
import Classifier

@Suite struct ModelTuningTests {
    static let invoices = (1...6).map { "Счёт на оплату №\($0) за поставку" } + (1...4).map { "Invoice \($0) attached, payment due" }
    static let meetings = ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу"].map { "Давайте встретимся в \($0) в офисе" }
        + ["Monday", "Tuesday", "Friday", "Sunday"].map { "Can we meet on \($0)?" }

    static func examples(_ texts: [String], _ label: String) -> [LabelledInput] {
        texts.map { LabelledInput(ClassifierInput(subject: $0, snippet: $0), categoryID: label) }
    }

    @Test func crossValidationPicksASmoothingFromTheGridAndFitsATemperature() {
        let classifier = EmbeddedClassifier.trained(
            categories: [], examples: Self.examples(Self.invoices, "invoice") + Self.examples(Self.meetings, "meeting"))
        // The prototype picks 0.1 and T ≈ 0.358 on these.
        #expect(classifier.model.smoothing == 0.1)
        #expect(abs(classifier.calibration.temperature - 0.3579) < 0.001)
        #expect(classifier.classify(ClassifierInput(subject: "Счёт №99", snippet: "Просим оплатить счёт №99")).categoryID == "invoice")
        #expect(classifier.classify(ClassifierInput(subject: "Meeting", snippet: "Can we meet on Wednesday in the office?")).categoryID == "meeting")
    }

    @Test func tooFewExamplesKeepTheDefaults() {
        let classifier = EmbeddedClassifier.trained(
            categories: SalesCategories.seeds,
            examples: Self.examples(Array(Self.invoices.prefix(3)), "invoice") + Self.examples(Array(Self.meetings.prefix(3)), "meeting"))
        #expect(classifier.model.smoothing == NaiveBayesModel.defaultSmoothing)
        #expect(classifier.calibration == Calibration())
        #expect(classifier.categoryIDs == ["lead", "invoice", "cv", "meeting"])
    }
}
