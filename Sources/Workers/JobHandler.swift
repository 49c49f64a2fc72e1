import Domain
import Logging

/// Does the work of one job kind. Handlers must be idempotent: a job whose worker died is run
/// again, so a second run must not repeat an effect the first one completed.
public protocol JobHandler: Sendable {
    var kind: String { get }
    func run(_ job: Job, context: JobContext) async throws
}

/// What a running handler may know about its run.
public struct JobContext: Sendable {
    public let worker: String
    public let logger: Logger
}

/// A handler's way to say "this will never succeed", so the job goes straight to `dead`.
public struct PermanentJobFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
