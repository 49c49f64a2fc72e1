import Classifier
import Foundation
import Storage

/// What a tenant's embedded classifier was trained from, in one short string: the categories
/// it may answer (ids, names, descriptions, examples, in order) and the corrections it learnt
/// (how many, and when the latest was made). A stored classifier whose fingerprint differs from
/// today's is out of date and is trained again.
enum ClassifierFingerprint {
    private struct Source: Encodable {
        let categories: [CategorySeed]
        let corrections: Int
        let latestCorrectionAt: Double?
    }

    static func make(categories: [CategorySeed], training: TrainingSummary) -> String {
        let source = Source(categories: categories, corrections: training.corrections,
                            latestCorrectionAt: training.latestCorrectionAt?.timeIntervalSince1970)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // CategorySeed holds strings and arrays of strings only, so encoding cannot fail; the
        // fallback still changes with every input.
        let data = (try? encoder.encode(source)) ?? Data("\(categories)|\(training.corrections)|\(String(describing: training.latestCorrectionAt))".utf8)
        return EmbeddedClassifierRepository.fingerprint(of: data)
    }
}
