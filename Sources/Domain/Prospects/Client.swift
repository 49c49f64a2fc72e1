import Foundation

/// A company one tenant works with (or means to): its registry record with the source of every
/// field, what enrichment found, and where it stands in the pipeline.
public struct Client: Sendable, Hashable, Identifiable {
    public let id: UUID
    /// The tenant.
    public let companyID: UUID
    public let inn: String
    /// What lists show: the record's display name when the client was last saved.
    public var name: String
    public var status: ClientStatus
    public var enrichment: EnrichmentState
    /// Why the last enrichment failed or waits, in plain words; nil after a success.
    public var enrichmentError: String?
    public var record: CompanyRecord
    public var contacts: ClientContacts
    /// How the client came in: `manual`, `search`.
    public var origin: ClientOrigin
    public var createdAt: Date
    public var updatedAt: Date
    public var enrichedAt: Date?

    public init(id: UUID, companyID: UUID, inn: String, name: String, status: ClientStatus, enrichment: EnrichmentState,
                enrichmentError: String?, record: CompanyRecord, contacts: ClientContacts, origin: ClientOrigin,
                createdAt: Date, updatedAt: Date, enrichedAt: Date?) {
        self.id = id
        self.companyID = companyID
        self.inn = inn
        self.name = name
        self.status = status
        self.enrichment = enrichment
        self.enrichmentError = enrichmentError
        self.record = record
        self.contacts = contacts
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.enrichedAt = enrichedAt
    }
}

public enum ClientOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    /// Added by hand by INN.
    case manual
    /// Imported from a discovery search.
    case search
}

/// One row of the client list: the columns it shows, filters and sorts on, without the record
/// and contacts (which a list of 100,000 must not decode).
public struct ClientSummary: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let inn: String
    public let name: String
    public let status: ClientStatus
    public let enrichment: EnrichmentState
    public let regionCode: String?
    public let okvedCode: String?
    public let revenue: Int64?
    public let headcount: Int?
    public let createdAt: Date

    public init(id: UUID, inn: String, name: String, status: ClientStatus, enrichment: EnrichmentState, regionCode: String?,
                okvedCode: String?, revenue: Int64?, headcount: Int?, createdAt: Date) {
        self.id = id
        self.inn = inn
        self.name = name
        self.status = status
        self.enrichment = enrichment
        self.regionCode = regionCode
        self.okvedCode = okvedCode
        self.revenue = revenue
        self.headcount = headcount
        self.createdAt = createdAt
    }
}
