import Foundation

/// One client billed against the tenant's monthly enrichment quota. Written in the same
/// transaction that stores a successful enrichment, once per client and month, so a re-run job
/// never charges twice and a failed one never charges at all.
public struct EnrichmentCharge: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let clientID: UUID?
    public let inn: String
    public let clientName: String
    /// `2026-11`: the month (UTC) the charge counts against.
    public let period: String
    /// Where the data came from: `cache` (another tenant paid for the lookup), `providers`,
    /// `web_search`, or both joined with `+`.
    public let source: String
    /// What was found, for the usage page: "2 e-mails, 1 phone, 1 decision maker".
    public let reason: String
    public let chargedAt: Date

    public init(id: UUID, clientID: UUID?, inn: String, clientName: String, period: String, source: String, reason: String, chargedAt: Date) {
        self.id = id
        self.clientID = clientID
        self.inn = inn
        self.clientName = clientName
        self.period = period
        self.source = source
        self.reason = reason
        self.chargedAt = chargedAt
    }

    /// The period a charge made at `date` counts against.
    public static func period(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month], from: date)
        let month = parts.month ?? 1
        return "\(parts.year ?? 1970)-\(month < 10 ? "0" : "")\(month)"
    }
}

/// A tenant's enrichment allowance for one month.
public struct EnrichmentQuota: Sendable, Hashable {
    public let period: String
    public let limit: Int
    public let used: Int

    public init(period: String, limit: Int, used: Int) {
        self.period = period
        self.limit = limit
        self.used = used
    }

    public var remaining: Int { max(0, limit - used) }
    public var isExhausted: Bool { used >= limit }

    /// Until plans arrive with billing, every tenant gets this many successful enrichments a month.
    public static let defaultMonthlyLimit = 1_000
}
