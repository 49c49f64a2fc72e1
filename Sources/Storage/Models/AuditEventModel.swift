import FluentKit
import Foundation

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "company_id") var companyID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "actor") var actor: String?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "method") var method: String?
    @OptionalField(key: "path") var path: String?
    @OptionalField(key: "status") var status: Int?
    @OptionalField(key: "duration_ms") var durationMs: Double?
    @OptionalField(key: "ip") var ip: String?
    /// Masked parameters and facts as a JSON object.
    @Field(key: "details") var details: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
