/// Counts of (true label, predicted label) pairs, and the measures `classifier eval` reports.
///
/// Per label: precision = correct predictions of it / all predictions of it, recall = correct
/// predictions of it / all examples of it, F1 their harmonic mean (0 when both are 0). Macro-F1
/// is the plain mean of the per-label F1s, so a rare label weighs as much as a common one —
/// on SpamAssassin a classifier that never says "spam" still scores 83% accuracy but only 45%
/// macro-F1.
public struct ConfusionMatrix: Sendable, Equatable {
    /// Labels in the order first met (or given); rows and columns follow it.
    public private(set) var labels: [String]
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    public init(labels: [String] = []) {
        self.labels = []
        self.counts = []
        for label in labels { _ = index(of: label) }
    }

    public mutating func record(truth: String, prediction: String, count: Int = 1) {
        let row = index(of: truth)
        let column = index(of: prediction)
        counts[row][column] += count
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { labels.indices.reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// How many examples of `label` there were.
    public func support(of label: String) -> Int {
        labels.firstIndex(of: label).map { counts[$0].reduce(0, +) } ?? 0
    }

    public func precision(of label: String) -> Double {
        guard let column = labels.firstIndex(of: label) else { return 0 }
        let predicted = counts.reduce(0) { $0 + $1[column] }
        return predicted == 0 ? 0 : Double(counts[column][column]) / Double(predicted)
    }

    public func recall(of label: String) -> Double {
        guard let row = labels.firstIndex(of: label) else { return 0 }
        let actual = counts[row].reduce(0, +)
        return actual == 0 ? 0 : Double(counts[row][row]) / Double(actual)
    }

    public func f1(of label: String) -> Double {
        let precision = precision(of: label)
        let recall = recall(of: label)
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// The mean F1 over every label in the matrix.
    public var macroF1: Double { macroF1(over: labels) }

    /// The mean F1 over `labels` (a label never seen counts as F1 0).
    public func macroF1(over labels: [String]) -> Double {
        guard !labels.isEmpty else { return 0 }
        return labels.reduce(0) { $0 + f1(of: $1) } / Double(labels.count)
    }

    /// Rows are true labels, columns predictions:
    ///
    ///     truth \ predicted  ham  spam
    ///     ham                498     2
    ///     spam                 3    97
    public var table: String {
        let corner = "truth \\ predicted"
        let firstWidth = max(corner.count, labels.map(\.count).max() ?? 0)
        let widths = labels.indices.map { column in
            max(labels[column].count, counts.map { String($0[column]).count }.max() ?? 1)
        }
        func padded(_ text: String, to width: Int, right: Bool) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return right ? padding + text : text + padding
        }
        var lines = [padded(corner, to: firstWidth, right: false) + labels.indices.map {
            "  " + padded(labels[$0], to: widths[$0], right: true)
        }.joined()]
        for row in labels.indices {
            lines.append(padded(labels[row], to: firstWidth, right: false) + labels.indices.map {
                "  " + padded(String(counts[row][$0]), to: widths[$0], right: true)
            }.joined())
        }
        return lines.joined(separator: "\n")
    }

    private mutating func index(of label: String) -> Int {
        if let index = labels.firstIndex(of: label) { return index }
        labels.append(label)
        for row in counts.indices { counts[row].append(0) }
        counts.append(Array(repeating: 0, count: labels.count))
        return labels.count - 1
    }
}
