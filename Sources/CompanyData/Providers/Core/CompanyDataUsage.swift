import Domain
import Foundation

/// One provider call as the audit trail records it: which provider, what for, how long, how it
/// ended. Deliberately without the key, the query or the answer: tenant admins read the audit
/// log, and it is kept for months.
public struct CompanyDataUsageEvent: Sendable, Hashable, Codable {
    public var tenantID: String?
    public var provider: CompanyDataProviderKind
    public var operation: CompanyDataOperation
    public var latency: Duration
    public var outcome: CompanyDataCallOutcome
    public var startedAt: Date

    public init(tenantID: String?, provider: CompanyDataProviderKind, operation: CompanyDataOperation, latency: Duration,
                outcome: CompanyDataCallOutcome, startedAt: Date) {
        self.tenantID = tenantID
        self.provider = provider
        self.operation = operation
        self.latency = latency
        self.outcome = outcome
        self.startedAt = startedAt
    }
}

/// Where usage events go: Storage writes them as audit events; the memory one serves tests,
/// benchmarks and development.
public protocol CompanyDataUsageRecorder: Sendable {
    func record(_ event: CompanyDataUsageEvent) async
}

/// Keeps every event in memory, in order.
public actor MemoryCompanyDataUsageRecorder: CompanyDataUsageRecorder {
    public private(set) var events: [CompanyDataUsageEvent] = []

    public init() {}

    public func record(_ event: CompanyDataUsageEvent) {
        events.append(event)
    }
}
