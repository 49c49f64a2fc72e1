import Domain
import FluentKit
import Foundation
import SQLKit
import Synchronization

/// The database-backed job queue shared by every worker process.
///
/// Claiming is one atomic `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING id`. On PostgreSQL
/// the inner select takes `FOR UPDATE SKIP LOCKED`, so concurrent workers on any number of
/// machines each get a different row without waiting on each other. SQLite has a single writer,
/// which makes the same statement atomic without the clause.
///
/// A claimed job carries a lease (`locked_until`). A worker that dies stops renewing it; once it
/// lapses the job is claimable again, so a killed worker loses nothing and a job runs at least
/// once. Handlers must therefore be idempotent.
public struct JobQueue: Sendable {
    let persistence: Persistence
    let clock: any StorageClock
    public let retryPolicy: RetryPolicy
    /// When this queue last looked for abandoned jobs; see ``buryAbandoned()``.
    private let lastSweep = SweepTime()

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock(), retryPolicy: RetryPolicy = RetryPolicy()) {
        self.persistence = persistence
        self.clock = clock
        self.retryPolicy = retryPolicy
    }

    // MARK: Producing

    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> UUID {
        let model = JobModel.fresh(job, now: clock.now())
        try await model.create(on: persistence.database)
        arrivals.notify()
        return model.id!
    }

    /// Many jobs in one transaction (a bulk import, a test that needs a thousand).
    public func enqueue(_ jobs: [NewJob]) async throws {
        let now = clock.now()
        try await persistence.database.transaction { db in
            for chunk in stride(from: 0, to: jobs.count, by: 200) {
                let models = jobs[chunk..<min(chunk + 200, jobs.count)].map { JobModel.fresh($0, now: now) }
                try await models.create(on: db)
            }
        }
        arrivals.notify()
    }

    /// What this process's idle runners wait on between polls.
    public var arrivals: JobArrivals {
        persistence.jobArrivals
    }

    /// A job that runs every `interval`, one row per `key`; calling this again (every start-up)
    /// changes nothing when the schedule exists, except that a schedule a permanent failure
    /// buried (`dead`) is due again at once: scheduling it again is how it is revived (a mailbox
    /// whose password was wrong, fixed by its owner). `companyID` is the tenant the runs act for.
    /// A new schedule's first run is due at `firstRunAt` (now by default): a saved search that
    /// has just run by hand waits a whole period before its schedule runs it again. Every run
    /// has `priority` (see `NewJob.priority`); calling again with another one changes it.
    public func schedule(key: String, kind: String, every interval: TimeInterval, payload: String = "{}", companyID: UUID? = nil,
                         firstRunAt: Date? = nil, priority: Int = 0) async throws {
        let db = persistence.database
        if let existing = try await JobModel.query(on: db).filter(\.$scheduleKey == key).first() {
            var changed = false
            if existing.repeatSeconds != Int(interval) || existing.kind != kind {
                existing.repeatSeconds = Int(interval)
                existing.kind = kind
                changed = true
            }
            if existing.payload != payload || existing.companyID != companyID {
                existing.payload = payload
                existing.companyID = companyID
                changed = true
            }
            if existing.priority != priority {
                existing.priority = priority
                changed = true
            }
            if existing.status == JobStatus.dead.rawValue {
                existing.status = JobStatus.queued.rawValue
                existing.runAt = clock.now()
                existing.attempts = 0
                existing.lastError = nil
                changed = true
            }
            if changed {
                existing.updatedAt = clock.now()
                try await existing.save(on: db)
            }
            return
        }
        let model = JobModel.fresh(NewJob(kind: kind, companyID: companyID, payload: payload, runAt: firstRunAt ?? clock.now(), priority: priority),
                                   now: clock.now())
        model.scheduleKey = key
        model.repeatSeconds = max(1, Int(interval))
        do {
            try await model.create(on: db)
            arrivals.notify()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another process created the schedule at the same moment: that row serves.
        }
    }

    /// Removes the schedule `key` (nothing when there is none). A run under way finishes; its
    /// completion then finds no row to re-arm.
    public func unschedule(key: String) async throws {
        try await JobModel.query(on: persistence.database).filter(\.$scheduleKey == key).delete()
    }

    /// Whether a schedule `key` exists (in any status).
    public func isScheduled(key: String) async throws -> Bool {
        try await JobModel.query(on: persistence.database).filter(\.$scheduleKey == key).first() != nil
    }

    /// When each of the tenant's schedules `keys` runs next, for those that exist and are not
    /// buried (`dead`): a list of saved searches shows it. Keys of another tenant are not found.
    public func nextRuns(keys: [String], companyID: UUID) async throws -> [String: Date] {
        guard !keys.isEmpty else { return [:] }
        let wanted = Set(keys)
        let rows = try await JobModel.query(on: persistence.database)
            .filter(\.$companyID == companyID).filter(\.$scheduleKey != nil)
            .filter(\.$status != JobStatus.dead.rawValue)
            .all()
        var found: [String: Date] = [:]
        for row in rows {
            if let key = row.scheduleKey, wanted.contains(key) { found[key] = row.runAt }
        }
        return found
    }

    /// Seconds between two runs of the schedule `key`, or `nil` when there is none.
    public func scheduledInterval(key: String) async throws -> TimeInterval? {
        guard let seconds = try await JobModel.query(on: persistence.database).filter(\.$scheduleKey == key).first()?.repeatSeconds else {
            return nil
        }
        return TimeInterval(seconds)
    }

    /// Runs the schedule `key` every `interval` from its next run on. Unlike ``schedule(key:kind:every:payload:companyID:firstRunAt:priority:)``
    /// this changes nothing else: a buried schedule stays buried. Nothing when there is none.
    public func changeInterval(key: String, every interval: TimeInterval) async throws {
        let seconds = max(1, Int(interval))
        let db = persistence.database
        guard let existing = try await JobModel.query(on: db).filter(\.$scheduleKey == key).first(), existing.repeatSeconds != seconds else {
            return
        }
        existing.repeatSeconds = seconds
        existing.updatedAt = clock.now()
        try await existing.save(on: db)
    }

    // MARK: Consuming

    /// Takes the next due job for `worker` with a lease of `lease` seconds, or `nil` when none
    /// is due: the highest `priority` first, then the longest overdue. Also buries jobs whose
    /// worker died on their last allowed attempt.
    public func claim(worker: String, lease: TimeInterval, kinds: [String]? = nil) async throws -> Job? {
        try await buryAbandoned()
        let now = clock.now()
        let sql = persistence.sql
        let lockClause: SQLQueryString = persistence.location.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        var kindClause: SQLQueryString = ""
        if let kinds, !kinds.isEmpty {
            kindClause = " AND kind IN (\(binds: kinds))"
        }
        let statement: SQLQueryString = """
            UPDATE jobs SET status = 'running', locked_by = \(bind: worker), locked_until = \(bind: now.addingTimeInterval(lease)),
                attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id = (
                SELECT id FROM jobs
                WHERE ((status = 'queued' AND run_at <= \(bind: now)) OR (status = 'running' AND locked_until < \(bind: now)))\(kindClause)
                ORDER BY priority DESC, run_at
                LIMIT 1\(lockClause)
            )
            RETURNING id
            """
        guard let row = try await sql.raw(statement).first() else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        return try await JobModel.find(id, on: persistence.database)?.toDomain()
    }

    /// Extends the lease of a long-running job. Returns false when the lease was lost (another
    /// worker took the job over): the caller should stop.
    public func renewLease(_ jobID: UUID, worker: String, lease: TimeInterval) async throws -> Bool {
        let changed = try await persistence.sql.raw("""
            UPDATE jobs SET locked_until = \(bind: clock.now().addingTimeInterval(lease))
            WHERE id = \(bind: jobID) AND locked_by = \(bind: worker) AND status = 'running'
            RETURNING id
            """).all()
        return !changed.isEmpty
    }

    /// Marks a run finished. Periodic jobs are re-armed for their next run instead.
    public func complete(_ jobID: UUID, worker: String) async throws {
        // Most jobs run once: one statement finishes them. (Read, change and save was a third of
        // the queue's statements, and on SQLite every statement waits for the one connection.)
        let finished = try await persistence.sql.raw("""
            UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL, updated_at = \(bind: clock.now())
            WHERE id = \(bind: jobID) AND locked_by = \(bind: worker) AND status = 'running' AND repeat_seconds IS NULL
            RETURNING id
            """).all()
        if !finished.isEmpty { return }
        let db = persistence.database
        guard let model = try await ownedRunning(jobID, worker: worker, on: db) else { return }
        let now = clock.now()
        if let seconds = model.repeatSeconds {
            model.status = JobStatus.queued.rawValue
            model.runAt = now.addingTimeInterval(TimeInterval(seconds))
            model.attempts = 0
            model.lastError = nil
        } else {
            model.status = JobStatus.done.rawValue
        }
        model.lockedBy = nil
        model.lockedUntil = nil
        model.updatedAt = now
        try await model.save(on: db)
    }

    /// Records a failed run: back off and retry, or `dead` after the last attempt.
    public func fail(_ jobID: UUID, worker: String, error: String) async throws {
        let db = persistence.database
        guard let model = try await ownedRunning(jobID, worker: worker, on: db) else { return }
        let now = clock.now()
        model.lastError = String(error.prefix(2_000))
        model.lockedBy = nil
        model.lockedUntil = nil
        model.updatedAt = now
        if model.attempts >= model.maxAttempts {
            if let seconds = model.repeatSeconds {
                // A periodic job never dies for good: the next period is a fresh start.
                model.status = JobStatus.queued.rawValue
                model.runAt = now.addingTimeInterval(TimeInterval(seconds))
                model.attempts = 0
            } else {
                model.status = JobStatus.dead.rawValue
            }
        } else {
            model.status = JobStatus.queued.rawValue
            model.runAt = now.addingTimeInterval(retryPolicy.delay(afterAttempt: model.attempts))
        }
        try await model.save(on: db)
    }

    /// An admin's "retry" on a dead job: a fresh set of attempts, due now.
    public func retry(_ jobID: UUID, scope: TenantScope) async throws {
        guard let member = scope.member else { throw StorageError.readOnlyScope }
        let db = persistence.database
        guard let model = try await JobModel.query(on: db).filter(\.$id == jobID).filter(\.$companyID == member.companyID)
            .filter(\.$status == JobStatus.dead.rawValue).first() else { throw StorageError.notFound }
        model.status = JobStatus.queued.rawValue
        model.attempts = 0
        model.runAt = clock.now()
        model.updatedAt = clock.now()
        try await model.save(on: db)
    }

    // MARK: Reading

    public func find(_ jobID: UUID) async throws -> Job? {
        try await JobModel.find(jobID, on: persistence.database)?.toDomain()
    }

    /// A job as a tenant sees it: another tenant's job is simply not found.
    public func find(_ jobID: UUID, scope: TenantScope) async throws -> Job {
        let query = JobModel.query(on: persistence.database).filter(\.$id == jobID)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        guard let model = try await query.first() else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Jobs per status, in one grouped query (the dashboard and `/metrics` ask on every load).
    public func counts(_ scope: TenantScope?) async throws -> [JobStatus: Int] {
        var statement: SQLQueryString = "SELECT status, COUNT(*) AS n FROM jobs"
        if let company = scope?.companyID {
            statement = "SELECT status, COUNT(*) AS n FROM jobs WHERE company_id = \(bind: company)"
        }
        statement = "\(statement) GROUP BY status"
        var result = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for row in try await persistence.sql.raw(statement).all() {
            if let status = JobStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                result[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return result
    }

    public func deadJobs(_ scope: TenantScope, limit: Int = 100) async throws -> [Job] {
        let query = JobModel.query(on: persistence.database).filter(\.$status == JobStatus.dead.rawValue)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        return try await query.sort(\.$updatedAt, .descending).limit(limit).all().map { try $0.toDomain() }
    }

    /// Whether the tenant has a job of `kind` that is not over: queued (due, or waiting to retry
    /// after a failure) or running (a lapsed lease included: another worker will take it over).
    /// Asked before queueing work that such a job may be doing already.
    public func hasLiveJob(kind: String, companyID: UUID) async throws -> Bool {
        try await Self.hasLiveJob(kind: kind, companyID: companyID, on: persistence.sql)
    }

    /// The same question on the caller's connection, so it can be asked inside a transaction.
    static func hasLiveJob(kind: String, companyID: UUID, on sql: any SQLDatabase) async throws -> Bool {
        let live = [JobStatus.queued.rawValue, JobStatus.running.rawValue]
        return try await sql.raw("""
            SELECT id FROM jobs WHERE company_id = \(bind: companyID) AND status IN (\(binds: live)) AND kind = \(bind: kind) LIMIT 1
            """).first() != nil
    }

    /// When the tenant's most recent job of `kind` that ended `dead` died, or nil when none is
    /// dead: a caller backs off from work that keeps failing for good.
    public func lastDeath(kind: String, companyID: UUID) async throws -> Date? {
        try await JobModel.query(on: persistence.database)
            .filter(\.$companyID == companyID).filter(\.$status == JobStatus.dead.rawValue).filter(\.$kind == kind)
            .sort(\.$updatedAt, .descending).first()?.updatedAt
    }

    // MARK: Diagnostics

    /// The probe job's side effect: one row per execution, so tests and operators can prove how
    /// many times each job really ran.
    public func recordProbeRun(jobID: UUID, worker: String) async throws {
        let model = ProbeRunModel()
        model.id = UUID()
        model.jobID = jobID
        model.worker = worker
        model.ranAt = clock.now()
        try await model.create(on: persistence.database)
    }

    /// Executions per job id and per worker.
    public func probeRuns() async throws -> (perJob: [UUID: Int], perWorker: [String: Int]) {
        let runs = try await ProbeRunModel.query(on: persistence.database).all()
        var perJob: [UUID: Int] = [:]
        var perWorker: [String: Int] = [:]
        for run in runs {
            perJob[run.jobID, default: 0] += 1
            perWorker[run.worker, default: 0] += 1
        }
        return (perJob, perWorker)
    }

    // MARK: Internals

    private func ownedRunning(_ jobID: UUID, worker: String, on db: any Database) async throws -> JobModel? {
        try await JobModel.query(on: db).filter(\.$id == jobID).filter(\.$lockedBy == worker)
            .filter(\.$status == JobStatus.running.rawValue).first()
    }

    /// A job whose worker vanished on its final attempt would otherwise be claimed forever.
    /// Runs at most once per `sweepInterval` per queue: a worker claims several jobs a second,
    /// and a lease that lapsed a few seconds ago can wait a few seconds more to be buried.
    private func buryAbandoned() async throws {
        let now = clock.now()
        guard lastSweep.claim(at: now, interval: Self.sweepInterval) else { return }
        try await persistence.sql.raw("""
            UPDATE jobs SET status = 'dead', last_error = 'worker stopped responding (lease expired) on the last attempt',
                locked_by = NULL, locked_until = NULL, updated_at = \(bind: now)
            WHERE status = 'running' AND locked_until < \(bind: now) AND attempts >= max_attempts AND repeat_seconds IS NULL
            """).run()
    }
}

extension JobModel {
    static func fresh(_ job: NewJob, now: Date) -> JobModel {
        let model = JobModel()
        model.id = UUID()
        model.kind = job.kind
        model.companyID = job.companyID
        model.payload = job.payload
        model.status = JobStatus.queued.rawValue
        model.runAt = job.runAt ?? now
        model.attempts = 0
        model.maxAttempts = max(1, job.maxAttempts)
        model.priority = job.priority
        model.createdAt = now
        model.updatedAt = now
        return model
    }
}

extension JobQueue {
    /// A failure that retrying cannot fix: straight to `dead`.
    public func bury(_ jobID: UUID, worker: String, error: String) async throws {
        try await JobModel.query(on: persistence.database).filter(\.$id == jobID).filter(\.$lockedBy == worker)
            .set(\.$status, to: JobStatus.dead.rawValue)
            .set(\.$lastError, to: String(error.prefix(2_000)))
            .set(\.$lockedBy, to: nil)
            .set(\.$lockedUntil, to: nil)
            .set(\.$updatedAt, to: clock.now())
            .update()
    }
}

extension JobQueue {
    static let sweepInterval: TimeInterval = 5
}

/// The time of the last sweep for abandoned jobs, shared by every copy of one `JobQueue`.
final class SweepTime: Sendable {
    private let last = Mutex<Date?>(nil)

    /// True (and the time recorded) when no sweep happened in the last `interval` seconds; a
    /// clock that moved backwards (a test's) sweeps too.
    func claim(at now: Date, interval: TimeInterval) -> Bool {
        last.withLock { last in
            if let previous = last, now >= previous, now.timeIntervalSince(previous) < interval { return false }
            last = now
            return true
        }
    }
}
