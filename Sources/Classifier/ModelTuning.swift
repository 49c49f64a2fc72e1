/// Chooses the smoothing and the calibration temperature by k-fold cross-validation on labelled
/// examples, so that neither is a guess once a tenant (or a corpus) has examples enough.
///
/// Example i is held out in fold i mod k. Each fold's model learns the category seeds and the
/// other folds' examples; its scores on the held-out fold are kept for every smoothing in the
/// grid at once (the counts do not depend on it). The smoothing with the best macro-F1 wins (the
/// smaller on a tie), because a tenant's rare category matters as much as its common one; the
/// temperature is then fitted to that smoothing's held-out scores (see `Calibration`).
public enum ModelTuning {
    public static let folds = 5
    public static let smoothingGrid: [Double] = [0.1, 0.2, 0.5, 1.0]

    public struct Outcome: Sendable, Equatable {
        public let smoothing: Double
        public let calibration: Calibration
    }

    /// Nil when there is too little to hold out: fewer than two labels among the examples, or a
    /// label with fewer examples than folds.
    public static func tune(seedFeatures: [(features: [String], label: String)],
                            examples: [(features: [String], label: String)]) -> Outcome? {
        var examplesPerLabel: [String: Int] = [:]
        var labelsInOrder: [String] = []
        for example in examples {
            if examplesPerLabel[example.label] == nil { labelsInOrder.append(example.label) }
            examplesPerLabel[example.label, default: 0] += 1
        }
        guard labelsInOrder.count >= 2, examplesPerLabel.values.allSatisfy({ $0 >= folds }) else { return nil }

        var heldOut = Array(repeating: [(scores: LogScores, truth: Int, labels: [String])](), count: smoothingGrid.count)
        for fold in 0..<folds {
            var model = NaiveBayesModel()
            for seed in seedFeatures {
                model.learn(seed.features, label: seed.label)
            }
            for (index, example) in examples.enumerated() where index % folds != fold {
                model.learn(example.features, label: example.label)
            }
            for (index, example) in examples.enumerated() where index % folds == fold {
                // Every label has at least `folds` examples, so each fold's model has learnt it.
                guard let truth = model.labels.firstIndex(of: example.label) else { continue }
                for (gridIndex, smoothing) in smoothingGrid.enumerated() {
                    let scores = model.logScores(for: example.features, smoothing: smoothing)
                    heldOut[gridIndex].append((scores, truth, model.labels))
                }
            }
        }

        var best: (gridIndex: Int, macroF1: Double)?
        for gridIndex in smoothingGrid.indices {
            var matrix = ConfusionMatrix(labels: labelsInOrder)
            for example in heldOut[gridIndex] {
                let predicted = indexOfHighest(example.scores.values)
                matrix.record(truth: example.labels[example.truth], prediction: example.labels[predicted])
            }
            let macroF1 = matrix.macroF1(over: labelsInOrder)
            if macroF1 > best?.macroF1 ?? -1 {
                best = (gridIndex, macroF1)
            }
        }
        guard let best else { return nil }
        let calibration = Calibration.fitted(to: heldOut[best.gridIndex].map {
            Calibration.HeldOutScore(scores: $0.scores, truth: $0.truth)
        })
        return Outcome(smoothing: smoothingGrid[best.gridIndex], calibration: calibration)
    }

    /// The first index of the largest value.
    static func indexOfHighest(_ values: [Double]) -> Int {
        var best = 0
        for index in values.indices.dropFirst() where values[index] > values[best] {
            best = index
        }
        return best
    }
}
