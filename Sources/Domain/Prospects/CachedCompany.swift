import Foundation

/// One entry of the cross-tenant company cache: public data about the company with this INN,
/// as the last enrichment by any tenant found it. Never notes, templates or messages: only what
/// registries and public web pages say.
public struct CachedCompany: Sendable, Hashable {
    public let inn: String
    public var record: CompanyRecord
    public var contacts: ClientContacts
    public var fetchedAt: Date

    public init(inn: String, record: CompanyRecord, contacts: ClientContacts, fetchedAt: Date) {
        self.inn = inn
        self.record = record
        self.contacts = contacts
        self.fetchedAt = fetchedAt
    }

    /// Fresh enough to serve instead of asking providers again.
    public func isFresh(at now: Date, ttl: TimeInterval) -> Bool {
        now.timeIntervalSince(fetchedAt) < ttl
    }

    /// The default time an entry stays fresh: 30 days.
    public static let defaultTTL: TimeInterval = 30 * 24 * 3_600
}
