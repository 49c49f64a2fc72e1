import Testing
@testable import MailProtocols

// Label names → IMAP keywords. The expected values are fixed on purpose: keywords already
// written into customers' mailboxes depend on this mapping, so a change must fail here.

@Suite struct IMAPKeywordTests {
    @Test func plainNamesAreTheirOwnKeyword() {
        #expect(KeywordMapping.keyword(for: "Lead") == "Lead")
        #expect(KeywordMapping.keyword(for: "Lid") == "Lid")
        #expect(KeywordMapping.keyword(for: "follow-up.2024_Q1") == "follow-up.2024_Q1")
    }

    @Test func cyrillicIsTransliteratedWithAHashSuffix() {
        #expect(KeywordMapping.keyword(for: "Горячий лид") == "Goryachij_lid-yb7rg")
        #expect(KeywordMapping.keyword(for: "Лид") == "Lid-ubshg")
        #expect(KeywordMapping.keyword(for: "Счёт/Оплата") == "Schyot_Oplata-5m6wh")
        #expect(KeywordMapping.keyword(for: "Съезд") == "Sezd-oyvg4")
        #expect(KeywordMapping.keyword(for: "ЖУРНАЛ") == "ZhURNAL-rkizo")
    }

    @Test func otherNamesGetASlugAndTheSuffix() {
        #expect(KeywordMapping.keyword(for: "Custom Label") == "Custom_Label-f4mfq")
        #expect(KeywordMapping.keyword(for: "日本語") == "label-heqhk")
    }

    @Test func namesThatLookAlikeDoNotShareAKeyword() {
        // Latin "Lid" and Cyrillic "Лид" transliterate alike; IMAP keywords are compared
        // case-insensitively, so "Клиент" and "клиент" must differ by more than case.
        #expect(KeywordMapping.keyword(for: "Lid") != KeywordMapping.keyword(for: "Лид"))
        let upper = KeywordMapping.keyword(for: "Клиент")
        let lower = KeywordMapping.keyword(for: "клиент")
        #expect(upper == "Klient-qeoj6")
        #expect(lower == "klient-hivg6")
        #expect(upper.lowercased() != lower.lowercased())
    }

    @Test func composedAndDecomposedLettersMapAlike() {
        let composed = "Новый клиент"  // й as one scalar
        let decomposed = "Новы\u{0438}\u{0306} клиент"  // и + combining breve
        #expect(KeywordMapping.keyword(for: composed) == KeywordMapping.keyword(for: decomposed))
        #expect(KeywordMapping.keyword(for: composed).hasPrefix("Novyj_klient-"))
    }

    @Test func everyResultIsAValidBoundedKeyword() {
        let names = [
            "", " ", "(){%*\"\\]", "\\Seen", "$Junk", "😀 Важно 😀", "a b\tc\nd", "---", "...",
            String(repeating: "Щ", count: 100), String(repeating: "x", count: 41),
            "Новый клиент / Проверено (2024)", "Ёлка", "Їжак і ґанок", "ß",
        ]
        for name in names {
            let keyword = KeywordMapping.keyword(for: name)
            #expect(KeywordMapping.isValidKeyword(keyword), "\(name) → \(keyword)")
            #expect(keyword.utf8.count <= KeywordMapping.longestBody + 6, "\(name) → \(keyword)")
            #expect(keyword == KeywordMapping.keyword(for: name), "stable for \(name)")
        }
    }

    @Test func keywordValidity() {
        #expect(KeywordMapping.isValidKeyword("Lead"))
        #expect(KeywordMapping.isValidKeyword("$Junk"))
        #expect(!KeywordMapping.isValidKeyword(""))
        #expect(!KeywordMapping.isValidKeyword("Has Space"))
        #expect(!KeywordMapping.isValidKeyword(#"\Seen"#))
        #expect(!KeywordMapping.isValidKeyword("a]b"))
        #expect(!KeywordMapping.isValidKeyword("Лид"))
    }
}
