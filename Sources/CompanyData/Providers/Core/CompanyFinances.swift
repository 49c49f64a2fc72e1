import Domain
import Foundation

/// A company's accounting lines by year, in whole roubles, keyed by the line codes of the
/// Russian statements (`2110` revenue, `2400` net profit).
public struct CompanyFinances: Sendable, Hashable, Codable {
    public struct Year: Sendable, Hashable, Codable {
        public var year: Int
        public var lines: [String: Int64]

        public init(year: Int, lines: [String: Int64]) {
            self.year = year
            self.lines = lines
        }

        public var revenue: Int64? { lines[CompanyFinances.revenueLine] }
        public var netProfit: Int64? { lines[CompanyFinances.netProfitLine] }
    }

    public static let revenueLine = "2110"
    public static let netProfitLine = "2400"

    public var inn: String
    /// Oldest first.
    public var years: [Year]
    public var source: CompanyDataSource
    public var fetchedAt: Date

    public init(inn: String, years: [Year], source: CompanyDataSource, fetchedAt: Date) {
        self.inn = inn
        self.years = years.sorted { $0.year < $1.year }
        self.source = source
        self.fetchedAt = fetchedAt
    }

    /// The revenue of the latest year that reports one.
    public var latestRevenue: CompanyRevenue? {
        for year in years.reversed() {
            if let revenue = year.revenue { return CompanyRevenue(year: year.year, roubles: revenue) }
        }
        return nil
    }
}
