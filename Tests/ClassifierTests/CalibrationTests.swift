import Foundation
import Testing
import Classifier

@Suite struct CalibrationTests {
    @Test func softmaxWithTemperatureScaledByTheSquareRootOfKnownFeatures() {
        let scores = LogScores(values: [-1, -3, -2], knownFeatures: 4)
        let probabilities = Calibration(temperature: 1).probabilities(for: scores)
        // exp(s/2) normalised: the four known features halve the scores.
        let expected = [0.506480391055654, 0.1863237232258476, 0.3071958857184984]
        for (value, wanted) in zip(probabilities, expected) {
            #expect(abs(value - wanted) < 1e-12)
        }
    }

    @Test func fittedTemperatureMatchesTheHeldOutHitRate() {
        // The same scores every time, right 7 times in 10: the best calibration says 0.7, which
        // needs 10 / T = ln(0.7 / 0.3).
        let scores = LogScores(values: [0, -10], knownFeatures: 1)
        let heldOut = Array(repeating: Calibration.HeldOutScore(scores: scores, truth: 0), count: 7)
            + Array(repeating: Calibration.HeldOutScore(scores: scores, truth: 1), count: 3)
        let calibration = Calibration.fitted(to: heldOut)
        #expect(abs(calibration.temperature - 10 / log(7.0 / 3.0)) < 1e-4)
        #expect(abs(calibration.probabilities(for: scores)[0] - 0.7) < 1e-5)
    }

    @Test func nothingHeldOutKeepsTheDefault() {
        #expect(Calibration.fitted(to: []) == Calibration())
    }
}
