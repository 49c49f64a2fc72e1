/// Where a job is in its life. `dead` is terminal until an admin retries it.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case running
    case done
    case dead
}
