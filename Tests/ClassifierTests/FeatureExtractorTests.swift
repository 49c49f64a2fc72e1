import Testing
import Classifier

@Suite struct FeatureExtractorTests {
    @Test func prefixesDomainSubjectAndBodyAndMarksSentenceEnds() {
        let input = ClassifierInput(sender: "Ivan <ivan@Mail.Example.RU>", subject: "Счёт на оплату", snippet: "Оплатите счёт")
        #expect(FeatureExtractor.features(of: input) == [
            "d:mail.example.ru", "d:example.ru",
            "s:счет", "s:на", "s:оплат", "s:<s>_счет", "s:счет_на", "s:на_оплат", "s:оплат_</s>",
            "b:оплат", "b:счет", "b:<s>_оплат", "b:оплат_счет", "b:счет_</s>",
        ])
    }

    @Test func countsEachFeatureOnce() {
        let features = FeatureExtractor.features(of: ClassifierInput(snippet: "счет счета счетов"))
        #expect(features == ["b:счет", "b:<s>_счет", "b:счет_счет", "b:счет_</s>"])
    }

    @Test func emptyPartsGiveNoFeatures() {
        #expect(FeatureExtractor.features(of: ClassifierInput(sender: "no address", subject: "", snippet: " ,. ")).isEmpty)
    }

    @Test func seedTextMayMatchSubjectOrBody() {
        #expect(FeatureExtractor.features(ofSeedText: "Резюме") == ["s:резюм", "s:<s>_резюм", "s:резюм_</s>", "b:резюм", "b:<s>_резюм", "b:резюм_</s>"])
    }
}
