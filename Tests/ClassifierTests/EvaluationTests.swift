import Testing
import Classifier

@Suite struct EvaluationTests {
    /// a: 3 right, 1 taken for b; b: 2 right; c: 1 right, 1 taken for a.
    static func smallMatrix() -> ConfusionMatrix {
        var matrix = ConfusionMatrix(labels: ["a", "b", "c"])
        matrix.record(truth: "a", prediction: "a", count: 3)
        matrix.record(truth: "a", prediction: "b")
        matrix.record(truth: "b", prediction: "b", count: 2)
        matrix.record(truth: "c", prediction: "a")
        matrix.record(truth: "c", prediction: "c")
        return matrix
    }

    @Test func accuracyAndPerLabelMeasures() {
        let matrix = Self.smallMatrix()
        #expect(matrix.total == 8)
        #expect(matrix.correct == 6)
        #expect(matrix.accuracy == 0.75)
        #expect(matrix.precision(of: "a") == 0.75)
        #expect(matrix.recall(of: "a") == 0.75)
        #expect(abs(matrix.precision(of: "b") - 2.0 / 3) < 1e-12)
        #expect(matrix.recall(of: "b") == 1)
        #expect(abs(matrix.f1(of: "b") - 0.8) < 1e-12)
        #expect(matrix.precision(of: "c") == 1)
        #expect(matrix.recall(of: "c") == 0.5)
        #expect(abs(matrix.f1(of: "c") - 2.0 / 3) < 1e-12)
        #expect(matrix.support(of: "c") == 2)
    }

    @Test func macroF1IsThePlainMeanOfPerLabelF1() {
        #expect(abs(Self.smallMatrix().macroF1 - (0.75 + 0.8 + 2.0 / 3) / 3) < 1e-12)
    }

    @Test func aLabelNeverPredictedScoresZeroF1() {
        var matrix = ConfusionMatrix()
        matrix.record(truth: "ham", prediction: "ham", count: 500)
        matrix.record(truth: "spam", prediction: "ham", count: 100)
        #expect(matrix.labels == ["ham", "spam"])
        #expect(matrix.f1(of: "spam") == 0)
        #expect(abs(matrix.macroF1 - (1000.0 / 1100) / 2) < 1e-12)
    }

    @Test func tableHasTruthRowsAndPredictionColumns() {
        #expect(Self.smallMatrix().table == """
            truth \\ predicted  a  b  c
            a                  3  1  0
            b                  0  2  0
            c                  1  0  1
            """)
    }
}
