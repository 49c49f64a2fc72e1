import FluentKit
import Foundation

final class JobModel: Model, @unchecked Sendable {
    static let schema = "jobs"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "company_id") var companyID: UUID?
    @Field(key: "payload") var payload: String
    @Field(key: "status") var status: String
    @Field(key: "run_at") var runAt: Date
    @Field(key: "attempts") var attempts: Int
    @Field(key: "max_attempts") var maxAttempts: Int
    /// Higher is claimed first among due jobs (`NewJob.priority`); added by M0029.
    @Field(key: "priority") var priority: Int
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    /// Periodic jobs: one row per schedule name, re-armed after each run.
    @OptionalField(key: "schedule_key") var scheduleKey: String?
    @OptionalField(key: "repeat_seconds") var repeatSeconds: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
