import CompanyData
import Foundation
import Observability

/// Every company-data call as a `company_data.call` audit event: provider, operation, latency
/// and outcome. Never the key, the INN asked about or the answer: `CompanyDataUsageEvent`
/// carries none of them and nothing else is copied in, so a tenant admin reading the audit log
/// sees what was spent and how it went, not what was looked up.
public struct AuditCompanyDataUsageRecorder: CompanyDataUsageRecorder {
    public static let eventKind = "company_data.call"

    let sink: any AuditSink
    /// The tenant the calls are made for, when the event does not name it.
    let companyID: UUID?

    public init(sink: any AuditSink, companyID: UUID? = nil) {
        self.sink = sink
        self.companyID = companyID
    }

    public func record(_ event: CompanyDataUsageEvent) async {
        let latency = event.latency.components
        let milliseconds = Double(latency.seconds) * 1_000 + Double(latency.attoseconds) / 1e15
        await sink.record(AuditEvent(
            time: event.startedAt, kind: Self.eventKind, companyID: event.tenantID.flatMap(UUID.init(uuidString:)) ?? companyID,
            durationMs: milliseconds,
            details: [
                "provider": event.provider.rawValue,
                "operation": event.operation.rawValue,
                "outcome": event.outcome.rawValue,
            ]))
    }
}
