import Domain
import Testing

/// The monthly allowance an operator types, on the console and on the command line.
@Suite struct EnrichmentQuotaLimitTests {
    @Test func wholeNumbersInRangeAreAccepted() {
        #expect(EnrichmentQuota.monthlyLimit("250") == 250)
        #expect(EnrichmentQuota.monthlyLimit(" 10 000 ") == 10_000, "digit groups separated by spaces")
        #expect(EnrichmentQuota.monthlyLimit("0") == 0, "0 stops enrichment")
        #expect(EnrichmentQuota.monthlyLimit("10000000") == EnrichmentQuota.maximumMonthlyLimit)
    }

    @Test(arguments: ["", "  ", "-5", "12.5", "1e3", "abc", "10000001", "99999999999999999999", "٣٠٠", "+7"])
    func anythingElseIsRefused(_ typed: String) {
        #expect(EnrichmentQuota.monthlyLimit(typed) == nil)
    }
}
