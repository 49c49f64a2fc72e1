import Foundation

/// The one rule for a monthly enrichment allowance typed by the platform's operator, on the
/// console's tenant page and on the command line alike.
extension EnrichmentQuota {
    /// More than any plan will sell; a typo with extra zeros is refused rather than stored.
    public static let maximumMonthlyLimit = 10_000_000

    /// A whole number from 0 to `maximumMonthlyLimit`; spaces between digit groups ("10 000")
    /// are fine. `nil` for anything else. 0 is allowed: it stops enrichment for the tenant.
    public static func monthlyLimit(_ text: String) -> Int? {
        let digits = text.filter { !$0.isWhitespace }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
        return value <= maximumMonthlyLimit ? value : nil
    }
}
