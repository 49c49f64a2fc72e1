import Domain
import FluentKit
import Foundation
import SQLKit

/// The monthly enrichment allowance and what was charged against it.
///
/// Charges are written by `ClientRepository.storeEnrichment`, in the transaction that stores a
/// successful enrichment; this repository only reads them and sets the allowance. Workers ask
/// for the quota with their job's `companyID`; the usage page reads charges with a
/// ``TenantScope`` (the platform scope names the tenant).
public struct EnrichmentQuotaRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// The most charges one page of usage shows.
    static let maximumChargesListed = 5_000

    /// The tenant's allowance for the month `date` falls in (now by default) and how much of it
    /// is used. Throws `notFound` for an unknown company.
    public func quota(companyID: UUID, at date: Date? = nil) async throws -> EnrichmentQuota {
        let period = EnrichmentCharge.period(of: date ?? clock.now())
        let row = try await persistence.sql.raw("""
            SELECT c.enrichment_monthly_limit AS monthly_limit,
                (SELECT COUNT(*) FROM enrichment_charges e WHERE e.company_id = c.id AND e.period = \(bind: period)) AS used
            FROM companies c WHERE c.id = \(bind: companyID)
            """).first()
        guard let row else { throw StorageError.notFound }
        return EnrichmentQuota(
            period: period, limit: try row.decode(column: "monthly_limit", as: Int.self), used: try row.decode(column: "used", as: Int.self))
    }

    /// The charges of one month (`2026-11`), newest first, at most `limit` of them.
    public func charges(_ scope: TenantScope, period: String, companyID: UUID? = nil, limit: Int = 500) async throws -> [EnrichmentCharge] {
        let company = try scope.company(lookingAt: companyID)
        return try await EnrichmentChargeModel.query(on: persistence.database)
            .filter(\.$companyID == company)
            .filter(\.$period == period)
            .sort(\.$chargedAt, .descending).sort(\.$id, .descending)
            .limit(min(max(1, limit), Self.maximumChargesListed))
            .all().map { try $0.toDomain() }
    }

    /// Sets the tenant's monthly allowance (negative values count as 0). Until plans arrive with
    /// billing this is the platform's lever. Throws `notFound` for an unknown company.
    public func setMonthlyLimit(companyID: UUID, limit: Int) async throws {
        let updated = try await persistence.sql.raw("""
            UPDATE companies SET enrichment_monthly_limit = \(bind: max(0, limit)) WHERE id = \(bind: companyID) RETURNING id
            """).all()
        guard !updated.isEmpty else { throw StorageError.notFound }
    }
}

extension EnrichmentChargeModel {
    func toDomain() throws -> EnrichmentCharge {
        EnrichmentCharge(
            id: try requireID(), clientID: clientID, inn: inn, clientName: clientName, period: period, source: source, reason: reason,
            chargedAt: chargedAt)
    }
}
