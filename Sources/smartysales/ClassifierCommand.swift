import ArgumentParser
import Classifier
import Foundation
import MIME

struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "The embedded classifier that works with no LLM key.",
        subcommands: [Eval.self])

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the embedded classifier on labelled examples; print accuracy, macro-F1 and a confusion table.",
            discussion: """
                PATH is a folder of raw messages, each read as the product stores it (sender, subject, \
                500-character snippet), or a text file with one example per line. Without --test, \
                --split divides each label's examples (sorted file names, or lines in order) into a \
                training and a test part, shuffled by --seed the same way on every machine.
                """)

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Training examples.", valueName: "LABEL=PATH"))
        var train: [String] = []

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Test examples.", valueName: "LABEL=PATH"))
        var test: [String] = []

        @Option(help: "Without --test: the share of each label's examples to train on, e.g. 0.8.")
        var split: Double?

        @Option(help: "Seed of the shuffle before --split.")
        var seed: UInt64 = 0

        @Option(help: "Confidence below which a verdict is \"needs review\".")
        var reviewThreshold: Double = EmbeddedClassifier.defaultReviewThreshold

        @Flag(help: "Print one JSON object instead of the report.")
        var json = false

        @Flag(help: "List every misclassified test example.")
        var listErrors = false

        func validate() throws {
            guard !train.isEmpty else { throw ValidationError("give the training examples: --train LABEL=PATH…") }
            if let split {
                guard test.isEmpty else { throw ValidationError("--split divides --train; leave out --test, or --split") }
                guard split > 0, split < 1 else { throw ValidationError("--split is a fraction between 0 and 1") }
            } else if test.isEmpty {
                throw ValidationError("give --test LABEL=PATH…, or --split FRACTION to hold out part of --train")
            }
            guard (0...1).contains(reviewThreshold) else { throw ValidationError("--review-threshold is between 0 and 1") }
            for argument in train + test {
                _ = try LabelledPath(argument)
            }
        }

        func run() throws {
            let training: [SourcedExample]
            let testing: [SourcedExample]
            if let split {
                var trainingPart: [SourcedExample] = []
                var testPart: [SourcedExample] = []
                for examples in try SourcedExample.load(train.map(LabelledPath.init)) {
                    let parts = DeterministicSplit.split(examples, trainingFraction: split, seed: seed)
                    trainingPart += parts.training
                    testPart += parts.test
                }
                training = trainingPart
                testing = testPart
            } else {
                training = try SourcedExample.load(train.map(LabelledPath.init)).flatMap { $0 }
                testing = try SourcedExample.load(test.map(LabelledPath.init)).flatMap { $0 }
            }
            guard !training.isEmpty, !testing.isEmpty else {
                throw ValidationError("no examples to \(training.isEmpty ? "train" : "test") on")
            }

            let clock = ContinuousClock()
            let trainingStart = clock.now
            let classifier = EmbeddedClassifier.trained(categories: [], examples: training.map(\.labelled),
                                                        reviewThreshold: reviewThreshold)
            let trainingTime = clock.now - trainingStart

            let classifyingStart = clock.now
            let verdicts = testing.map { classifier.classify($0.labelled.input) }
            let classifyingTime = clock.now - classifyingStart

            var matrix = ConfusionMatrix(labels: Set((training + testing).map(\.labelled.categoryID)).sorted())
            var confident = 0
            var confidentCorrect = 0
            var errors: [(example: SourcedExample, verdict: ClassifierVerdict)] = []
            for (example, verdict) in zip(testing, verdicts) {
                // Accuracy is of the best guess: "needs review" is reported beside it, not as a miss.
                let prediction = verdict.bestGuess ?? "none"
                matrix.record(truth: example.labelled.categoryID, prediction: prediction)
                if prediction != example.labelled.categoryID { errors.append((example, verdict)) }
                if !verdict.needsReview {
                    confident += 1
                    if prediction == example.labelled.categoryID { confidentCorrect += 1 }
                }
            }
            let report = Report(
                training: training, testing: testing, classifier: classifier, matrix: matrix,
                confident: confident, confidentCorrect: confidentCorrect, errors: errors,
                trainingSeconds: trainingTime.inSeconds, classifyingSeconds: classifyingTime.inSeconds)
            if json {
                print(try report.json(listErrors: listErrors, split: split, seed: seed))
            } else {
                print(report.text(listErrors: listErrors))
            }
        }
    }
}

/// `LABEL=PATH` from the command line.
private struct LabelledPath {
    let label: String
    let path: String

    init(_ argument: String) throws {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
              argument.index(after: equals) != argument.endIndex else {
            throw ValidationError("expected LABEL=PATH, got \(argument)")
        }
        label = String(argument[..<equals])
        path = String(argument[argument.index(after: equals)...])
    }
}

/// A labelled example and where it came from (a file, or a file and line), to list errors by.
private struct SourcedExample {
    let labelled: LabelledInput
    let source: String

    /// The examples of each label, labels in sorted order, each label's examples in the order of
    /// its paths (as given), then of sorted file names or of lines.
    static func load(_ paths: [LabelledPath]) throws -> [[SourcedExample]] {
        var byLabel: [String: [SourcedExample]] = [:]
        for path in paths {
            let found = try examples(at: path.path, label: path.label)
            byLabel[path.label, default: []] += found
        }
        return byLabel.keys.sorted().map { byLabel[$0] ?? [] }
    }

    private static func examples(at path: String, label: String) throws -> [SourcedExample] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no such file or folder: \(path)")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
            var examples: [SourcedExample] = []
            for name in names {
                let file = path.hasSuffix("/") ? path + name : path + "/" + name
                var nameIsDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &nameIsDirectory), !nameIsDirectory.boolValue else { continue }
                let input = try messageInput(file)
                examples.append(SourcedExample(labelled: LabelledInput(input, categoryID: label), source: file))
            }
            return examples
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var examples: [SourcedExample] = []
        for (index, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            examples.append(SourcedExample(labelled: LabelledInput(ClassifierInput(snippet: text), categoryID: label),
                                           source: "\(path):\(index + 1)"))
        }
        return examples
    }

    /// What the product would store of a raw message (the parser skips an mbox `From ` line).
    private static func messageInput(_ file: String) throws -> ClassifierInput {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let summary = MessageSummary(parsing: [UInt8](data))
        return ClassifierInput(sender: summary.from.first?.address ?? "", subject: summary.subject ?? "", snippet: summary.snippet)
    }
}

/// What `classifier eval` prints, as text or JSON.
private struct Report {
    let training: [SourcedExample]
    let testing: [SourcedExample]
    let classifier: EmbeddedClassifier
    /// Its labels are every label of the training and test sets, sorted.
    let matrix: ConfusionMatrix
    let confident: Int
    let confidentCorrect: Int
    let errors: [(example: SourcedExample, verdict: ClassifierVerdict)]
    let trainingSeconds: Double
    let classifyingSeconds: Double

    private var labels: [String] { matrix.labels }

    private var accuracyWhenConfident: Double {
        confident == 0 ? 0 : Double(confidentCorrect) / Double(confident)
    }

    private func counts(_ examples: [SourcedExample]) -> [String: Int] {
        examples.reduce(into: [:]) { $0[$1.labelled.categoryID, default: 0] += 1 }
    }

    private func decimal(_ value: Double, places: Int = 4) -> String {
        String(format: "%.\(places)f", value)
    }

    private func breakdown(_ examples: [SourcedExample]) -> String {
        let perLabel = counts(examples)
        return labels.compactMap { label in perLabel[label].map { "\(label) \($0)" } }.joined(separator: ", ")
    }

    func text(listErrors: Bool) -> String {
        let labelWidth = labels.map(\.count).max() ?? 0
        var lines = [
            "training: \(training.count) examples (\(breakdown(training))); test: \(testing.count) examples (\(breakdown(testing)))",
            "model: \(classifier.model.vocabularySize) features, smoothing \(classifier.model.smoothing), temperature \(decimal(classifier.calibration.temperature, places: 3))",
            "accuracy: \(decimal(matrix.accuracy)) (\(matrix.correct)/\(matrix.total))",
            "macro-F1: \(decimal(matrix.macroF1))",
        ]
        for label in labels {
            let name = label + String(repeating: " ", count: labelWidth - label.count)
            let precision = decimal(matrix.precision(of: label))
            let recall = decimal(matrix.recall(of: label))
            let f1 = decimal(matrix.f1(of: label))
            lines.append("  \(name)  precision \(precision)  recall \(recall)  F1 \(f1)  (\(matrix.support(of: label)) examples)")
        }
        let threshold = decimal(classifier.reviewThreshold, places: 2)
        lines.append("needs review: \(testing.count - confident) of \(testing.count) below confidence \(threshold); accuracy of the rest \(decimal(accuracyWhenConfident))")
        lines.append("time: training \(decimal(trainingSeconds, places: 2)) s, classifying \(testing.count) in \(decimal(classifyingSeconds, places: 2)) s")
        lines.append("")
        lines.append(matrix.table)
        if listErrors {
            lines.append("")
            lines.append("misclassified:")
            for (example, verdict) in errors {
                let guess = verdict.bestGuess ?? "none"
                lines.append("  \(example.labelled.categoryID) → \(guess) (\(decimal(verdict.confidence, places: 2))): \(example.source)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Built key by key: one literal of this many mixed values is slow to type-check.
    func json(listErrors: Bool, split: Double?, seed: UInt64) throws -> String {
        var perLabel: [String: Any] = [:]
        for label in labels {
            let measures: [String: Any] = [
                "precision": matrix.precision(of: label), "recall": matrix.recall(of: label),
                "f1": matrix.f1(of: label), "support": matrix.support(of: label),
            ]
            perLabel[label] = measures
        }
        var object: [String: Any] = [:]
        object["labels"] = labels
        object["training_examples"] = counts(training)
        object["test_examples"] = counts(testing)
        object["accuracy"] = matrix.accuracy
        object["correct"] = matrix.correct
        object["total"] = matrix.total
        object["macro_f1"] = matrix.macroF1
        object["per_label"] = perLabel
        // Rows are true labels and columns predictions, both in `labels` order.
        object["confusion"] = matrix.counts
        object["features"] = classifier.model.vocabularySize
        object["smoothing"] = classifier.model.smoothing
        object["temperature"] = classifier.calibration.temperature
        object["review_threshold"] = classifier.reviewThreshold
        object["needs_review"] = testing.count - confident
        object["accuracy_when_confident"] = accuracyWhenConfident
        object["training_seconds"] = trainingSeconds
        object["classifying_seconds"] = classifyingSeconds
        object["seed"] = NSNumber(value: seed)
        if let split {
            object["split"] = split
        } else {
            object["split"] = NSNull()
        }
        if listErrors {
            var listed: [[String: Any]] = []
            for (example, verdict) in errors {
                var entry: [String: Any] = ["source": example.source, "truth": example.labelled.categoryID, "confidence": verdict.confidence]
                entry["prediction"] = verdict.bestGuess ?? "none"
                listed.append(entry)
            }
            object["errors"] = listed
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

private extension Duration {
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
