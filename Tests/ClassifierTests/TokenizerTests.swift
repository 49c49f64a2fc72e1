import Testing
import Classifier

@Suite struct TokenizerTests {
    @Test func foldsCaseAndYo() {
        #expect(Tokenizer.fold("ЁЛКА Счёт") == "елка счет")
    }

    @Test func replacesLinksAddressesNumbersAndQuestionMarks() {
        #expect(Tokenizer.tokens(in: "Счёт №15 от 01.02.2024, см. https://x.ru/a и напишите ivan@x.ru? ЁЛКИ")
            == ["счет", "<num>", "от", "<num>", "<num>", "<num>", "см", "<url>", "напиш", "<email>", "елк"])
        #expect(Tokenizer.tokens(in: "Can you send the invoices today? It's urgent!")
            == ["can", "you", "send", "the", "invoic", "today", "<q>", "it", "urgent"])
        #expect(Tokenizer.tokens(in: "see www.example.com") == ["see", "<url>"])
    }

    @Test func dropsSingleLettersAndOverlongRuns() {
        let junk = String(repeating: "q", count: 31)
        #expect(Tokenizer.tokens(in: "a b \(junk) ok") == ["ok"])
    }

    @Test func leavesOtherScriptsAndMixedWordsUnstemmed() {
        #expect(Tokenizer.tokens(in: "MP3 iPhone15 Straße") == ["mp3", "iphone15", "straße"])
    }
}
