import Domain
import Foundation
import Storage

/// Where enrichment reads a tenant's monthly allowance before it spends anything. The
/// repository in production; a test or a plan with other limits can wrap it.
public protocol EnrichmentQuotaSource: Sendable {
    /// The allowance of the month `date` falls in (now when nil).
    func quota(companyID: UUID, at date: Date?) async throws -> EnrichmentQuota
}

extension EnrichmentQuotaRepository: EnrichmentQuotaSource {}
