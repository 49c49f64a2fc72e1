import Domain
import Foundation
import Testing
@testable import Web

/// Stored problems worded for the visitor: every code has its sentence in both languages with
/// each value in place, and anything that is not a stored problem is shown as it is.
@Suite struct ProblemFormatTests {
    static func localizer() throws -> Localizer {
        try Localizer.load(from: WebResources.directory.appendingPathComponent("Locales"))
    }

    @Test func everyCodeHasASentenceInBothLanguagesNamingItsValues() throws {
        let localizer = try Self.localizer()
        for code in ProspectProblem.Code.allCases {
            for locale in AppLocale.allCases {
                let key = "problem_\(code.rawValue)"
                let sentence = localizer.text(key, locale)
                #expect(sentence != key, "\(key) missing in \(locale)")
                for name in code.parameters {
                    #expect(sentence.contains("{\(name)}"), "\(key) in \(locale) does not show {\(name)}")
                }
            }
        }
    }

    @Test func aStoredProblemIsWordedWithItsValuesAndFreeTextIsShownAsItIs() throws {
        let localizer = try Self.localizer()
        let quota = ProspectProblem.quotaUsedUp(used: 1_000, limit: 1_000).stored
        #expect(ProblemFormat.text(quota, localizer: localizer, locale: .ru) == "Месячный лимит обогащений исчерпан (1\u{00A0}000 из 1\u{00A0}000)")
        #expect(ProblemFormat.text(quota, localizer: localizer, locale: .en) == "Monthly enrichment limit used up (1,000 of 1,000)")
        // The provider's words go in as they came, even when they look like a placeholder.
        let refused = ProspectProblem.sourcesRefused(["checko: quota exhausted: {limit} & more"]).stored
        #expect(ProblemFormat.text(refused, localizer: localizer, locale: .ru)
            == "Ни одним источником не удалось воспользоваться: checko: quota exhausted: {limit} & more")
        #expect(ProblemFormat.text("monthly enrichment quota used up (1 of 1)", localizer: localizer, locale: .ru)
            == "monthly enrichment quota used up (1 of 1)")
        #expect(ProblemFormat.text("", localizer: localizer, locale: .ru) == nil)
        #expect(ProblemFormat.text(nil, localizer: localizer, locale: .ru) == nil)
    }
}
