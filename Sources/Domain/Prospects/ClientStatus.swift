/// Where a client stands in the tenant's sales pipeline. People move a client along it; the
/// product moves it too: enrichment makes a new client `enriched`, outreach makes it `contacted`,
/// a linked reply makes it `replied`.
public enum ClientStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case enriched
    case contacted
    case replied
    case won
    case lost
}

/// How far enrichment of one client got. `pending` covers both "queued" and "a provider was
/// down, the job will try again": nothing is lost while a client waits.
public enum EnrichmentState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Never asked for.
    case notStarted = "not_started"
    /// A job is queued or running, or waiting to retry after an outage.
    case pending
    /// At least one verified contact or decision maker was found (and the quota was charged).
    case succeeded
    /// Every source answered, and none knew a verified contact: nothing was charged.
    case empty
    /// A source answered something unusable, or a person must act (a key, a quota): the reason
    /// is kept in `Client.enrichmentError`; the client keeps the data it had.
    case failed
}
