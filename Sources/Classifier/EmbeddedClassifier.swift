import Foundation

/// One tenant's local classifier: what classifies mail when no LLM key is configured, and the
/// cheap first pass before one.
///
/// It starts from the tenant's category descriptions and examples, learns from every correction
/// a user makes (`learn`), and says "needs review" rather than guess when its calibrated
/// confidence is below `reviewThreshold`. It is a value: persist it with `encoded()` after each
/// change and restore it with `init(encoded:)`.
public struct EmbeddedClassifier: Sendable, Equatable, Codable {
    public static let defaultReviewThreshold = 0.6
    /// Bumped when the features or the model change meaning; an older stored classifier is then
    /// refused and must be retrained from the categories and the stored corrections.
    public static let formatVersion = 1

    /// Below this confidence the verdict is "needs review".
    public var reviewThreshold: Double
    public private(set) var model: NaiveBayesModel
    public private(set) var calibration: Calibration

    /// From the categories alone: each description (with the name) and each example counts as
    /// one example of its category.
    public init(categories: [CategorySeed], reviewThreshold: Double = EmbeddedClassifier.defaultReviewThreshold) {
        self.reviewThreshold = reviewThreshold
        self.model = NaiveBayesModel()
        self.calibration = Calibration()
        for category in categories {
            addCategory(category)
        }
    }

    /// From the categories and labelled messages (a tenant's past corrections, or a corpus). When
    /// every label has examples enough, the smoothing and the temperature are chosen by
    /// cross-validation (`ModelTuning`); otherwise the defaults stay.
    public static func trained(categories: [CategorySeed], examples: [LabelledInput],
                               reviewThreshold: Double = EmbeddedClassifier.defaultReviewThreshold) -> EmbeddedClassifier {
        var classifier = EmbeddedClassifier(categories: categories, reviewThreshold: reviewThreshold)
        let seedFeatures: [(features: [String], label: String)] = categories.flatMap { category in
            category.featureSets.map { (features: $0, label: category.id) }
        }
        let exampleFeatures: [(features: [String], label: String)] = examples.map {
            (features: FeatureExtractor.features(of: $0.input), label: $0.categoryID)
        }
        if let outcome = ModelTuning.tune(seedFeatures: seedFeatures, examples: exampleFeatures) {
            classifier.model.smoothing = outcome.smoothing
            classifier.calibration = outcome.calibration
        }
        for example in exampleFeatures {
            classifier.model.learn(example.features, label: example.label)
        }
        return classifier
    }

    /// Category ids in the model's order.
    public var categoryIDs: [String] { model.labels }

    public func classify(_ input: ClassifierInput) -> ClassifierVerdict {
        let scores = model.logScores(for: FeatureExtractor.features(of: input))
        let probabilities = calibration.probabilities(for: scores)
        let ranked = probabilities.indices.sorted {
            probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1)
        }
        let alternatives = ranked.map { ScoredCategory(categoryID: model.labels[$0], probability: probabilities[$0]) }
        guard let best = alternatives.first else {
            return ClassifierVerdict(categoryID: nil, confidence: 0, alternatives: [])
        }
        // A message made only of features never seen is a guess from the priors, however sure
        // the priors look.
        let confident = scores.knownFeatures > 0 && best.probability >= reviewThreshold
        return ClassifierVerdict(categoryID: confident ? best.categoryID : nil,
                                 confidence: best.probability, alternatives: alternatives)
    }

    /// Learns one labelled message: a user's correction, or a confirmed verdict. `weight` above 1
    /// makes one correction count as several examples.
    public mutating func learn(_ input: ClassifierInput, categoryID: String, weight: Double = 1) {
        model.learn(FeatureExtractor.features(of: input), label: categoryID, weight: weight)
    }

    /// A category the tenant added: learnt from its description and examples.
    public mutating func addCategory(_ category: CategorySeed) {
        model.addLabel(category.id)
        for features in category.featureSets {
            model.learn(features, label: category.id)
        }
    }

    /// A category the tenant deleted: never answered again.
    public mutating func removeCategory(id: String) {
        model.removeLabel(id)
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    public init(encoded data: Data) throws {
        self = try JSONDecoder().decode(EmbeddedClassifier.self, from: data)
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, reviewThreshold, model, calibration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .formatVersion)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(forKey: .formatVersion, in: container,
                                                   debugDescription: "classifier format \(version), expected \(Self.formatVersion)")
        }
        reviewThreshold = try container.decode(Double.self, forKey: .reviewThreshold)
        model = try container.decode(NaiveBayesModel.self, forKey: .model)
        calibration = try container.decode(Calibration.self, forKey: .calibration)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(reviewThreshold, forKey: .reviewThreshold)
        try container.encode(model, forKey: .model)
        try container.encode(calibration, forKey: .calibration)
    }
}
