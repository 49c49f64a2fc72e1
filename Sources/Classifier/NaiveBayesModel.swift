import Foundation

/// Multinomial naive Bayes over binary features, kept as counts so that learning one more
/// example — a user's correction — is an update, not a retraining.
///
/// The score of label c for a message with known features F is
///
///     log P(c) + Σ_{f ∈ F} log( (n(f,c) + α) / (N(c) + α·V) )
///
/// where n(f,c) is how many examples of c had f, N(c) the sum of n(·,c), V the number of distinct
/// features seen, and P(c) = (examples of c + 1) / (examples + labels). Features never seen in
/// training are skipped: they carry no evidence for any label. Sums run in the order of the
/// message's features, so equal models give bit-identical scores.
///
/// α (the smoothing) matters: with long snippets, a small α trusts rare words more; with short
/// sentences a larger one is safer. `ModelTuning` picks it by cross-validation when there are
/// examples enough; 0.5 otherwise.
public struct NaiveBayesModel: Sendable, Equatable, Codable {
    public static let defaultSmoothing = 0.5

    /// Labels in the order first learnt; every per-label array follows it.
    public private(set) var labels: [String] = []
    public var smoothing: Double
    private var exampleWeights: [Double] = []
    private var featureTotals: [Double] = []
    /// Feature → weight per label, only as long as the last label that has it: trailing zeros are
    /// left out, so that adding a label and removing it again gives back an equal model.
    private var featureCounts: [String: [Double]] = [:]

    public init(smoothing: Double = NaiveBayesModel.defaultSmoothing) {
        self.smoothing = smoothing
    }

    public var vocabularySize: Int { featureCounts.count }

    /// Counts one example. `features` must hold each feature once (`FeatureExtractor` does).
    public mutating func learn(_ features: [String], label: String, weight: Double = 1) {
        let index = labelIndex(label)
        exampleWeights[index] += weight
        for feature in features {
            featureCounts[feature, default: []].add(weight, at: index)
            featureTotals[index] += weight
        }
    }

    /// Adds a label with no examples yet, so that it is scored (and can be corrected to).
    public mutating func addLabel(_ label: String) {
        _ = labelIndex(label)
    }

    /// Forgets a label as if it had never been learnt: its counts go, and features only it had
    /// leave the vocabulary.
    public mutating func removeLabel(_ label: String) {
        guard let index = labels.firstIndex(of: label) else { return }
        labels.remove(at: index)
        exampleWeights.remove(at: index)
        featureTotals.remove(at: index)
        featureCounts = featureCounts.compactMapValues { row in
            var row = row
            if index < row.count { row.remove(at: index) }
            while row.last == 0 { row.removeLast() }
            return row.isEmpty ? nil : row
        }
    }

    /// Log-joint scores per label (in `labels` order), and how many of the features were known.
    /// `smoothing` overrides the model's own, which cross-validation uses to try several on one
    /// set of counts.
    public func logScores(for features: [String], smoothing: Double? = nil) -> LogScores {
        let alpha = smoothing ?? self.smoothing
        let vocabulary = Double(featureCounts.count)
        let allExamples = exampleWeights.reduce(0, +)
        let labelCount = Double(labels.count)
        let knownRows = features.compactMap { featureCounts[$0] }
        var scores: [Double] = []
        scores.reserveCapacity(labels.count)
        for label in labels.indices {
            var score = log((exampleWeights[label] + 1) / (allExamples + labelCount))
            let denominator = log(featureTotals[label] + alpha * vocabulary)
            for row in knownRows {
                let count = label < row.count ? row[label] : 0
                score += log(count + alpha) - denominator
            }
            scores.append(score)
        }
        return LogScores(values: scores, knownFeatures: knownRows.count)
    }

    private mutating func labelIndex(_ label: String) -> Int {
        if let index = labels.firstIndex(of: label) { return index }
        labels.append(label)
        exampleWeights.append(0)
        featureTotals.append(0)
        return labels.count - 1
    }

    private enum CodingKeys: String, CodingKey {
        case labels, smoothing, exampleWeights, featureTotals, featureCounts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decode([String].self, forKey: .labels)
        smoothing = try container.decode(Double.self, forKey: .smoothing)
        exampleWeights = try container.decode([Double].self, forKey: .exampleWeights)
        featureTotals = try container.decode([Double].self, forKey: .featureTotals)
        featureCounts = try container.decode([String: [Double]].self, forKey: .featureCounts)
        // A stored model with mismatched arrays would crash on the first message; refuse it here.
        guard exampleWeights.count == labels.count, featureTotals.count == labels.count,
              Set(labels).count == labels.count, smoothing > 0,
              featureCounts.values.allSatisfy({ $0.count <= labels.count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "inconsistent naive Bayes counts"))
        }
    }
}

/// Scores of one message, before calibration.
public struct LogScores: Sendable, Equatable {
    /// Log-joint probability per label, in the model's label order.
    public let values: [Double]
    /// How many of the message's features the model had seen: 0 means it knows nothing of it.
    public let knownFeatures: Int

    public init(values: [Double], knownFeatures: Int) {
        self.values = values
        self.knownFeatures = knownFeatures
    }
}

private extension Array where Element == Double {
    mutating func add(_ weight: Double, at index: Int) {
        if count <= index {
            append(contentsOf: repeatElement(0, count: index + 1 - count))
        }
        self[index] += weight
    }
}
