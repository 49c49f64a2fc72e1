import FluentKit
import Foundation

/// One execution of the diagnostic probe job: proof that a worker ran a job, and which one.
final class ProbeRunModel: Model, @unchecked Sendable {
    static let schema = "probe_runs"

    @ID(key: .id) var id: UUID?
    @Field(key: "job_id") var jobID: UUID
    @Field(key: "worker") var worker: String
    @Field(key: "ran_at") var ranAt: Date

    init() {}
}
