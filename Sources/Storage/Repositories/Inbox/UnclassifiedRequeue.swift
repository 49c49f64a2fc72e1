import Domain
import FluentKit
import Foundation
import SQLKit

/// What ``InboundMessageRepository/queueUnclassified(companyID:storedBefore:limit:unlessLive:jobs:)`` did.
public enum UnclassifiedRequeue: Sendable, Equatable {
    /// Jobs were queued for this many messages.
    case queued(messages: Int, jobs: Int)
    /// A job of the kind is queued, running or waiting to retry; it may hold these very
    /// messages, so nothing was queued.
    case alreadyQueued
    /// No message of the tenant waits for a verdict (none stored early enough).
    case nothingWaiting
}

extension InboundMessageRepository {
    /// Queues `jobs` for the tenant's messages that have no verdict (at most `limit`, oldest
    /// first; with `storedBefore`, only those stored before then), unless the tenant has a job of
    /// `kind` that is queued, running or waiting to retry. `jobs` turns the message ids into the
    /// jobs (Storage does not know their payload); they are created in the same transaction.
    ///
    /// Two callers can never both queue the same messages:
    /// - Those of one tenant take turns. On PostgreSQL the transaction locks the tenant's company
    ///   row first (`FOR NO KEY UPDATE`, which still lets other transactions insert rows that
    ///   refer to the company); on SQLite the process has one connection, which the transaction
    ///   holds.
    /// - The messages are read before the jobs are looked at. A message and its classify jobs
    ///   are committed together (`store`), so a message this reads is never newer than the jobs
    ///   that were queued with it: the check that follows sees them. (In the other order, on
    ///   PostgreSQL, a sync committing in between would show its new messages without their jobs.)
    ///   A message that got its verdict in between is queued once more; the job skips it.
    public func queueUnclassified(companyID: UUID, storedBefore: Date? = nil, limit: Int, unlessLive kind: String,
                                  jobs: @escaping @Sendable ([UUID]) -> [NewJob]) async throws -> UnclassifiedRequeue {
        let now = clock.now()
        let isPostgres = persistence.location.isPostgres
        let outcome = try await persistence.database.transaction { db -> UnclassifiedRequeue in
            let sql = db.asSQL
            if isPostgres {
                try await sql.raw("SELECT id FROM companies WHERE id = \(bind: companyID) FOR NO KEY UPDATE").run()
            }
            let waiting = try await Self.unclassifiedIDs(companyID: companyID, storedBefore: storedBefore, limit: limit, on: sql)
            guard !waiting.isEmpty else { return .nothingWaiting }
            if try await JobQueue.hasLiveJob(kind: kind, companyID: companyID, on: sql) { return .alreadyQueued }
            let queued = jobs(waiting)
            if !queued.isEmpty {
                try await queued.map { JobModel.fresh($0, now: now) }.create(on: db)
            }
            return .queued(messages: waiting.count, jobs: queued.count)
        }
        if case .queued = outcome { persistence.jobArrivals.notify() }
        return outcome
    }
}
