import Foundation
import Testing
@testable import MIME

@Suite struct MailDateTests {
    /// 2026-11-29 06:01:02 UTC.
    static let reference = Date(timeIntervalSince1970: 1_795_932_062)

    @Test(arguments: [
        "Sun, 29 Nov 2026 09:01:02 +0300",
        "29 Nov 2026 06:01:02 +0000",
        "Sun, 29 Nov 2026 06:01:02 GMT",
        "Sun,29 Nov 2026 01:01:02 -0500 (EST)",
        "Sun, 29 Nov 26 06:01:02 UT",
        "  Sun,   29   Nov   2026   09:01:02   MSK  ",
        "вс, 29 ноября 2026 09:01:02 +0300",
        "Sunday, 29 November 2026 06:01:02 Z",
    ])
    func readsCommonAndBrokenForms(_ text: String) {
        #expect(MailDate.parse(text) == Self.reference, "\(text)")
    }

    @Test func secondsAndZoneMayBeMissing() {
        #expect(MailDate.parse("29 Nov 2026 06:01") == Date(timeIntervalSince1970: 1_795_932_060))
    }

    @Test func twoAndThreeDigitYearsFollowRFC5322() {
        #expect(MailDate.parse("1 Jan 99 00:00:00 +0000") == Date(timeIntervalSince1970: 915_148_800))
        #expect(MailDate.parse("1 Jan 101 00:00:00 +0000") == Date(timeIntervalSince1970: 978_307_200))
    }

    @Test(arguments: ["", "yesterday", "31 Feb 2026 10:00:00 +0000", "29 Nov 2026 25:61:00 +0000", "Nov 2026"])
    func unreadableDatesAreNil(_ text: String) {
        #expect(MailDate.parse(text) == nil)
    }
}
