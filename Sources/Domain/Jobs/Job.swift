import Foundation

/// A unit of background work as the queue hands it to a worker.
public struct Job: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let kind: String
    /// `nil` for platform jobs that belong to no tenant (retention, scheduled clean-ups).
    public let companyID: UUID?
    /// JSON document interpreted by the handler of `kind`.
    public let payload: String
    public var status: JobStatus
    public var runAt: Date
    /// Number of times a worker has started this job, including the current run.
    public var attempts: Int
    public var maxAttempts: Int
    public var lastError: String?
    public var lockedBy: String?
    public var lockedUntil: Date?
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, kind: String, companyID: UUID?, payload: String, status: JobStatus, runAt: Date,
        attempts: Int, maxAttempts: Int, lastError: String?, lockedBy: String?, lockedUntil: Date?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.companyID = companyID
        self.payload = payload
        self.status = status
        self.runAt = runAt
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.lastError = lastError
        self.lockedBy = lockedBy
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What to enqueue: the caller says what and when; the queue fills in the bookkeeping.
public struct NewJob: Sendable {
    public var kind: String
    public var companyID: UUID?
    public var payload: String
    public var runAt: Date?
    public var maxAttempts: Int
    /// Among jobs that are due, higher runs first; equal priorities run in due order. It only
    /// orders work that is already waiting, so a job that is not yet due never jumps ahead, and a
    /// low-priority job still runs as soon as no higher one is due (no fairness beyond that: keep
    /// the high priorities for short jobs that unblock others, such as a sync's next batch).
    /// Platform and scheduled jobs use 0.
    public var priority: Int

    public init(kind: String, companyID: UUID? = nil, payload: String = "{}", runAt: Date? = nil, maxAttempts: Int = 8, priority: Int = 0) {
        self.kind = kind
        self.companyID = companyID
        self.payload = payload
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.priority = priority
    }
}
