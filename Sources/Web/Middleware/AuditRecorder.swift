import Domain
import Foundation
import Hummingbird
import Observability

/// The web layer's way to write audit events: fills in who, from where, and masks details.
protocol AuditRecording: Sendable {
    func record(kind: String, identity: Identity?, context: AppRequestContext, details: [String: String]) async
}

struct AuditRecorder: AuditRecording {
    let sink: any AuditSink

    func record(kind: String, identity: Identity?, context: AppRequestContext, details: [String: String]) async {
        let masked = Dictionary(uniqueKeysWithValues: details.map { ($0.key, SecretMasker.maskValue(forKey: $0.key, value: $0.value)) })
        await sink.record(AuditEvent(
            time: Date(), kind: kind, companyID: identity?.user.companyID, userID: identity?.user.id,
            actor: identity?.user.email.value, method: nil, path: nil, status: nil, durationMs: nil,
            ip: context.visitor.clientIP, details: masked))
    }
}
