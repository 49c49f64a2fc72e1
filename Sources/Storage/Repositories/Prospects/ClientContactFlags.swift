import Domain

/// What the list's "has …" filters read (`has_email`, `has_phone`, `has_decision_maker`, M0035),
/// from a client's contacts: written wherever contacts are (enrichment and edits by hand).
struct ClientContactFlags: Hashable, Sendable {
    let hasEmail: Bool
    let hasPhone: Bool
    let hasDecisionMaker: Bool

    init(_ contacts: ClientContacts) {
        hasEmail = !contacts.emails.isEmpty
        hasPhone = !contacts.phones.isEmpty
        hasDecisionMaker = !contacts.decisionMakers.isEmpty
    }
}
