import Foundation

/// What enrichment found beyond the registry record: ways to reach the company and the people
/// who decide. Every value carries its source and, for web search, the page it was found on;
/// values without a source are never stored.
public struct ClientContacts: Sendable, Hashable, Codable {
    public var website: Sourced<String>?
    /// General addresses (`info@…`, `sales@…`), lower-cased, syntax-checked.
    public var emails: [Sourced<String>]
    /// E.164 (`+74951234567`).
    public var phones: [Sourced<String>]
    public var decisionMakers: [DecisionMaker]

    public init(website: Sourced<String>? = nil, emails: [Sourced<String>] = [], phones: [Sourced<String>] = [],
                decisionMakers: [DecisionMaker] = []) {
        self.website = website
        self.emails = emails
        self.phones = phones
        self.decisionMakers = decisionMakers
    }

    public static let none = ClientContacts()

    /// A verified contact or decision maker: what makes an enrichment successful (and billable).
    public var hasVerifiedContact: Bool {
        !emails.isEmpty || !phones.isEmpty || !decisionMakers.isEmpty
    }

    /// These contacts with anything `other` found that is not here yet (by value), so a second
    /// enrichment adds to what a first one found instead of replacing it.
    public func adding(_ other: ClientContacts) -> ClientContacts {
        var merged = self
        merged.website = website ?? other.website
        merged.emails += other.emails.filter { candidate in !emails.contains { $0.value == candidate.value } }
        merged.phones += other.phones.filter { candidate in !phones.contains { $0.value == candidate.value } }
        merged.decisionMakers += other.decisionMakers.filter { candidate in
            !decisionMakers.contains { $0.fullName.lowercased() == candidate.fullName.lowercased() }
        }
        return merged
    }
}

/// A person who decides at the client: the director from the registry, or someone web search
/// found on a page it cites.
public struct DecisionMaker: Sendable, Hashable, Codable {
    public var fullName: String
    public var position: String?
    /// Checked by checksum (12 digits for a person); dropped when wrong.
    public var inn: String?
    public var birthDate: CalendarDay?
    public var email: String?
    /// E.164.
    public var phone: String?
    public var source: CompanyDataSource
    /// The page it was found on; required for web-search values.
    public var sourceURL: String?
    public var fetchedAt: Date
    /// Who typed the person in, for a `manual` entry; nil otherwise.
    public var enteredBy: String?

    public init(fullName: String, position: String? = nil, inn: String? = nil, birthDate: CalendarDay? = nil, email: String? = nil,
                phone: String? = nil, source: CompanyDataSource, sourceURL: String? = nil, fetchedAt: Date, enteredBy: String? = nil) {
        self.fullName = fullName
        self.position = position
        self.inn = inn
        self.birthDate = birthDate
        self.email = email
        self.phone = phone
        self.source = source
        self.sourceURL = sourceURL
        self.fetchedAt = fetchedAt
        self.enteredBy = enteredBy
    }
}
