import Domain
import Foundation

/// How one enrichment of one client ended, for the job's log, the bulk-progress view and tests.
/// An outage is not a report: `ClientEnrichment.enrich` throws then, so the job is retried.
public struct EnrichmentReport: Sendable, Hashable {
    public let clientID: UUID
    /// `succeeded`, `empty` or `failed`.
    public let state: EnrichmentState
    /// Where the data came from, as the charge records it: `cache`, or the sources that
    /// answered joined with `+` (`dadata+checko+web_search`); nil when the enrichment failed
    /// before any source answered.
    public let source: String?
    /// What was found ("2 e-mails, 1 phone, 1 decision maker"), or why it failed: then the
    /// `ProspectProblem`'s stored form, as the client's record holds it.
    public let reason: String
    /// What this run found, verified: the values added to the client's contacts where new.
    public let found: ClientContacts
    /// The quota charge, when this enrichment was billed.
    public let charge: EnrichmentCharge?
    /// `findByINN` calls made to company-data providers.
    public let providerCalls: Int
    /// LLM web-search requests made (each may run several searches).
    public let llmCalls: Int
    /// Sources that could not be used and why (a refused key, a used-up quota).
    public let skipped: [String]

    public init(clientID: UUID, state: EnrichmentState, source: String?, reason: String, found: ClientContacts = .none,
                charge: EnrichmentCharge? = nil, providerCalls: Int = 0, llmCalls: Int = 0, skipped: [String] = []) {
        self.clientID = clientID
        self.state = state
        self.source = source
        self.reason = reason
        self.found = found
        self.charge = charge
        self.providerCalls = providerCalls
        self.llmCalls = llmCalls
        self.skipped = skipped
    }

    /// Served from the cross-tenant cache, without a provider or LLM call.
    public var fromCache: Bool { source == ClientEnrichment.cacheSource }

    /// "2 e-mails, 1 phone, 1 decision maker, website" for what `contacts` holds; "no verified
    /// contacts found" when it holds no e-mail, phone or decision maker (a website alone is
    /// not a way to reach anyone).
    public static func summary(of contacts: ClientContacts) -> String {
        guard contacts.hasVerifiedContact else {
            return contacts.website == nil ? "no verified contacts found" : "no verified contacts found (website only)"
        }
        func count(_ number: Int, _ singular: String, _ plural: String) -> String? {
            number == 0 ? nil : "\(number) \(number == 1 ? singular : plural)"
        }
        return [
            count(contacts.emails.count, "e-mail", "e-mails"),
            count(contacts.phones.count, "phone", "phones"),
            count(contacts.decisionMakers.count, "decision maker", "decision makers"),
            contacts.website == nil ? nil : "website",
        ].compactMap { $0 }.joined(separator: ", ")
    }
}
