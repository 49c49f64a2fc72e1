import Foundation

/// Turns naive Bayes scores into probabilities a threshold can mean something against.
///
/// Naive Bayes multiplies the evidence of every feature as if they were independent; they are
/// not (a word and the pairs it is in say the same thing), so its raw posteriors are near 0 or 1
/// and the more features a message has the worse. We use a softmax with a temperature that grows
/// with the square root of the number of known features n:
///
///     p(c) = exp(s_c / (T·√n)) / Σ_k exp(s_k / (T·√n))
///
/// The √n keeps one temperature right for a three-word subject and a 500-character snippet alike:
/// fitted per corpus, T·√n left T near 1 on both the SpamAssassin snippets (T ≈ 1.3–1.6) and the
/// Enron sentences (T ≈ 0.8–1.1), where a plain temperature had to be 10 on one and 4 on the
/// other. T = 1 is the default; with examples enough, `fitted(to:)` chooses T by minimising the
/// log loss of held-out scores (temperature scaling, Guo et al. 2017), which never changes which
/// label wins, only how sure it claims to be.
public struct Calibration: Sendable, Equatable, Codable {
    public static let defaultTemperature = 1.0

    public var temperature: Double

    public init(temperature: Double = Calibration.defaultTemperature) {
        self.temperature = temperature
    }

    /// Probabilities per label, in the order of the scores; empty for no labels.
    public func probabilities(for scores: LogScores) -> [Double] {
        guard let highest = scores.values.max() else { return [] }
        let scale = temperature * Double(max(scores.knownFeatures, 1)).squareRoot()
        let weights = scores.values.map { exp(($0 - highest) / scale) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// A score of a held-out example and the index of its true label.
    public struct HeldOutScore: Sendable {
        public let scores: LogScores
        public let truth: Int

        public init(scores: LogScores, truth: Int) {
            self.scores = scores
            self.truth = truth
        }
    }

    /// The temperature in [0.05, 1000] with the least mean log loss on `heldOut`, by
    /// golden-section search on log T (the loss is smooth and has one minimum there).
    public static func fitted(to heldOut: [HeldOutScore]) -> Calibration {
        guard !heldOut.isEmpty else { return Calibration() }
        let ratio = (5.0.squareRoot() - 1) / 2
        var low = log(0.05)
        var high = log(1000.0)
        var left = high - ratio * (high - low)
        var right = low + ratio * (high - low)
        var leftLoss = meanLogLoss(heldOut, temperature: exp(left))
        var rightLoss = meanLogLoss(heldOut, temperature: exp(right))
        for _ in 0..<60 {
            if leftLoss < rightLoss {
                high = right
                right = left
                rightLoss = leftLoss
                left = high - ratio * (high - low)
                leftLoss = meanLogLoss(heldOut, temperature: exp(left))
            } else {
                low = left
                left = right
                leftLoss = rightLoss
                right = low + ratio * (high - low)
                rightLoss = meanLogLoss(heldOut, temperature: exp(right))
            }
        }
        return Calibration(temperature: exp((low + high) / 2))
    }

    static func meanLogLoss(_ heldOut: [HeldOutScore], temperature: Double) -> Double {
        var total = 0.0
        for example in heldOut {
            let values = example.scores.values
            let scale = temperature * Double(max(example.scores.knownFeatures, 1)).squareRoot()
            let highest = values.max() ?? 0
            let partition = values.reduce(0) { $0 + exp(($1 - highest) / scale) }
            total += log(partition) - (values[example.truth] - highest) / scale
        }
        return total / Double(heldOut.count)
    }
}
