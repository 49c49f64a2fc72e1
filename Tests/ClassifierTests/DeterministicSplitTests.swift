import Testing
import Classifier

@Suite struct DeterministicSplitTests {
    @Test func splitMix64MatchesItsPublishedSequence() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func splitIsTheSameAsThePrototypes() {
        // Python: shuffled(range(10), 42) == [0, 9, 5, 8, 6, 4, 7, 2, 1, 3]
        #expect(DeterministicSplit.shuffled(Array(0..<10), seed: 42) == [0, 9, 5, 8, 6, 4, 7, 2, 1, 3])
        let (training, test) = DeterministicSplit.split(Array(0..<10), trainingFraction: 0.8, seed: 42)
        #expect(training == [0, 9, 5, 8, 6, 4, 7, 2])
        #expect(test == [1, 3])
    }

    @Test func roundsTheTrainingShareToTheNearestItem() {
        #expect(DeterministicSplit.split(Array(0..<854), trainingFraction: 0.8, seed: 0).training.count == 683)
        #expect(DeterministicSplit.split(Array(0..<1667), trainingFraction: 0.8, seed: 0).training.count == 1334)
        #expect(DeterministicSplit.split([Int](), trainingFraction: 0.8, seed: 0).test.isEmpty)
    }
}
