import Domain
import FluentKit
import Foundation
import SQLKit

/// Discovery: saved searches, their runs with the search job's progress, and the companies each
/// run found.
///
/// The same three kinds of caller as ``ClientRepository``: pages read with a ``TenantScope``,
/// pages change things with a ``TenantMember`` (the platform scope cannot even ask), and the
/// search job, acting for the tenant named in its job, passes that `companyID`. Every statement
/// filters by company; another tenant's search, run or result is not found.
public struct ProspectSearchRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// Rows per INSERT: 14 binds each stays far under both engines' limits.
    static let insertChunkSize = 400
    /// Values per `IN (…)` list.
    static let lookupChunkSize = 500
    /// The recent runs the discovery page lists.
    public static let recentRunsListed = 10

    static let resultColumns = [
        "id", "company_id", "run_id", "position", "inn", "name", "region_code", "okved_code", "revenue", "headcount", "company_status",
        "record_json", "not_checked", "created_at",
    ]

    /// A company a provider's search page answered, with what the query asked for: when the
    /// record does not say its region or main code, the results table shows those instead.
    public struct Found: Sendable {
        public var record: CompanyRecord
        public var matchedOKVED: String?
        public var matchedRegion: String?
        /// A range needed a figure the record still lacks: the result is shown apart and
        /// "import all" leaves it out.
        public var notChecked: Bool

        public init(record: CompanyRecord, matchedOKVED: String?, matchedRegion: String?, notChecked: Bool = false) {
            self.record = record
            self.matchedOKVED = matchedOKVED
            self.matchedRegion = matchedRegion
            self.notChecked = notChecked
        }
    }

    /// Where the job will go on: the query it is on and the page of it to ask for next; and,
    /// added to the run's counts, the companies of this page that needed a figure looked up and
    /// those that were.
    public struct Progress: Sendable, Hashable {
        public var queriesDone: Int
        public var nextPage: Int
        public var lookupsWanted: Int
        public var lookupsDone: Int

        public init(queriesDone: Int, nextPage: Int, lookupsWanted: Int = 0, lookupsDone: Int = 0) {
            self.queriesDone = queriesDone
            self.nextPage = max(1, nextPage)
            self.lookupsWanted = max(0, lookupsWanted)
            self.lookupsDone = max(0, lookupsDone)
        }
    }

    // MARK: Pages

    /// The tenant's saved searches, newest first. The platform scope names the tenant.
    public func searches(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [ProspectSearch] {
        let company = try scope.company(lookingAt: companyID)
        return try await ProspectSearchModel.query(on: persistence.database).filter(\.$companyID == company)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .all().map { try $0.toDomain() }
    }

    public func findSearch(_ id: UUID, scope: TenantScope) async throws -> ProspectSearch {
        guard let model = try await searchModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// The tenant's latest runs, newest first, at most `limit`.
    public func recentRuns(_ scope: TenantScope, companyID: UUID? = nil, limit: Int = ProspectSearchRepository.recentRunsListed)
        async throws -> [ProspectSearchRun] {
        let company = try scope.company(lookingAt: companyID)
        return try await ProspectSearchRunModel.query(on: persistence.database).filter(\.$companyID == company)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .limit(min(max(1, limit), 100))
            .all().map { try $0.toDomain() }
    }

    public func findRun(_ id: UUID, scope: TenantScope) async throws -> ProspectSearchRun {
        guard let model = try await runModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// One page of the run's results in the order they were found, each marked with the
    /// tenant's client of that INN as it is now (a join on the clients' unique index, so a
    /// company imported or added a minute ago shows as a client), and the counts: of the group
    /// shown, all and clients; of the run, the results marked "not checked". `notChecked`: the
    /// group, checked results (false) or those a range could not check (true).
    public func results(_ scope: TenantScope, runID: UUID, page: Int = 1, pageSize: Int = 50, notChecked: Bool = false) async throws
        -> ProspectResultPage {
        let run = try await findRun(runID, scope: scope)
        let company = run.companyID
        let size = min(max(1, pageSize), 500)
        let number = max(1, page)
        let sql = persistence.sql
        let counts = try await sql.raw("""
            SELECT COUNT(CASE WHEN r.not_checked = \(bind: notChecked) THEN 1 END) AS n,
                COUNT(CASE WHEN r.not_checked = \(bind: notChecked) THEN c.id END) AS clients,
                COUNT(CASE WHEN r.not_checked = \(bind: true) THEN 1 END) AS not_checked
            FROM prospect_results r LEFT JOIN clients c ON c.company_id = r.company_id AND c.inn = r.inn
            WHERE r.company_id = \(bind: company) AND r.run_id = \(bind: runID)
            """).first()
        let total = try counts?.decode(column: "n", as: Int.self) ?? 0
        let clients = try counts?.decode(column: "clients", as: Int.self) ?? 0
        let unchecked = try counts?.decode(column: "not_checked", as: Int.self) ?? 0
        let rows = try await sql.raw("""
            SELECT r.id AS id, r.run_id AS run_id, r.inn AS inn, r.name AS name, r.region_code AS region_code, r.okved_code AS okved_code,
                r.revenue AS revenue, r.headcount AS headcount, r.company_status AS company_status, c.id AS client_id
            FROM prospect_results r LEFT JOIN clients c ON c.company_id = r.company_id AND c.inn = r.inn
            WHERE r.company_id = \(bind: company) AND r.run_id = \(bind: runID) AND r.not_checked = \(bind: notChecked)
            ORDER BY r.position, r.id
            LIMIT \(literal: size) OFFSET \(literal: (number - 1) * size)
            """).all()
        return ProspectResultPage(
            results: try rows.map(Self.result), totalCount: total, clientCount: clients, notCheckedCount: unchecked, page: number,
            pageSize: size)
    }

    // MARK: Changes

    /// Saves the criteria under a name, scheduled every `repeatEveryDays` days when given. The
    /// name is trimmed; a blank or too long name and a period outside
    /// `ProspectSearch.repeatDays` are refused with `FieldErrors` on `name` and `repeat_days`.
    public func saveSearch(_ member: TenantMember, name: String, criteria: ProspectSearchCriteria, repeatEveryDays: Int?) async throws
        -> ProspectSearch {
        var errors = FieldErrors()
        let text = FormRules.requireText(name, field: "name", maxLength: ProspectSearch.maximumNameLength, into: &errors)
        if let days = repeatEveryDays, !ProspectSearch.repeatDays.contains(days) { errors.add("repeat_days", "validation_prospects_repeat_days") }
        try errors.throwIfAny()
        let now = clock.now()
        let model = ProspectSearchModel()
        model.id = UUID()
        model.companyID = member.companyID
        model.name = text
        model.criteriaJSON = try ProspectJSON.encode(criteria, with: ProspectJSON.encoder())
        model.repeatEveryDays = repeatEveryDays
        model.createdAt = now
        model.updatedAt = now
        try await model.create(on: persistence.database)
        return try model.toDomain()
    }

    /// Changes a saved search's name, criteria and period, checked as `saveSearch` checks them.
    /// Its runs keep the criteria they ran with. Throws `notFound` for another tenant's search.
    public func updateSearch(_ member: TenantMember, id: UUID, name: String, criteria: ProspectSearchCriteria, repeatEveryDays: Int?)
        async throws -> ProspectSearch {
        var errors = FieldErrors()
        let text = FormRules.requireText(name, field: "name", maxLength: ProspectSearch.maximumNameLength, into: &errors)
        if let days = repeatEveryDays, !ProspectSearch.repeatDays.contains(days) { errors.add("repeat_days", "validation_prospects_repeat_days") }
        try errors.throwIfAny()
        let db = persistence.database
        guard let model = try await searchModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
        model.name = text
        model.criteriaJSON = try ProspectJSON.encode(criteria, with: ProspectJSON.encoder())
        model.repeatEveryDays = repeatEveryDays
        model.updatedAt = clock.now()
        try await model.save(on: db)
        return try model.toDomain()
    }

    /// Forgets a saved search. Its runs and their results stay (no longer linked to it): they
    /// are what people imported from. Throws `notFound` for another tenant's search.
    public func deleteSearch(_ member: TenantMember, id: UUID) async throws {
        let company = member.companyID
        try await persistence.database.transaction { db in
            let sql = db.asSQL
            // Unlinked explicitly rather than left to the foreign key, which SQLite enforces
            // only when told to.
            try await sql.raw("UPDATE prospect_search_runs SET search_id = NULL WHERE company_id = \(bind: company) AND search_id = \(bind: id)").run()
            let removed = try await sql.raw("DELETE FROM prospect_searches WHERE id = \(bind: id) AND company_id = \(bind: company) RETURNING id").all()
            guard !removed.isEmpty else { throw StorageError.notFound }
        }
    }

    /// A new run, `queued`, of these criteria, or of the saved search `searchID` (whose latest
    /// run it becomes). Throws `notFound` for another tenant's search.
    public func createRun(_ member: TenantMember, criteria: ProspectSearchCriteria, searchID: UUID?) async throws -> ProspectSearchRun {
        try await insertRun(companyID: member.companyID, criteria: criteria, searchID: searchID, scheduled: false)
    }

    /// The records of the run's results to import: those with `resultIDs` (nil: every result but
    /// those marked "not checked", which only a tick imports), in the order found. Ids that are
    /// not results of this run are ignored. Throws `notFound` for another tenant's run.
    public func recordsForImport(_ member: TenantMember, runID: UUID, resultIDs: [UUID]?) async throws -> [CompanyRecord] {
        try await recordsForImport(runID: runID, companyID: member.companyID, resultIDs: resultIDs)
    }

    /// Adds `count` companies that became clients to the run's imported figure.
    public func recordImport(_ member: TenantMember, runID: UUID, imported count: Int) async throws {
        try await recordImport(runID: runID, companyID: member.companyID, imported: count)
    }

    // MARK: The search job

    public func findSearch(_ id: UUID, companyID: UUID) async throws -> ProspectSearch {
        guard let model = try await searchModel(id, companyID: companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    public func findRun(_ id: UUID, companyID: UUID) async throws -> ProspectSearchRun {
        guard let model = try await runModel(id, companyID: companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// A run the saved search's schedule started, with the search's criteria as they are now.
    public func createScheduledRun(searchID: UUID, companyID: UUID) async throws -> ProspectSearchRun {
        let search = try await findSearch(searchID, companyID: companyID)
        return try await insertRun(companyID: companyID, criteria: search.criteria, searchID: searchID, scheduled: true)
    }

    /// The schedule's latest run of this search that has not ended, if any: a scheduled job
    /// retried after an outage goes on with it instead of starting another.
    public func unfinishedScheduledRun(searchID: UUID, companyID: UUID) async throws -> ProspectSearchRun? {
        try await ProspectSearchRunModel.query(on: persistence.database)
            .filter(\.$companyID == companyID).filter(\.$searchID == searchID).filter(\.$isScheduled == true)
            .filter(\.$status ~~ [ProspectSearchRunStatus.queued.rawValue, ProspectSearchRunStatus.running.rawValue])
            .sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .first()?.toDomain()
    }

    /// The job has started (or started again): `running`, with the number of queries the
    /// criteria expand into. A run that ended stays as it is.
    public func startRun(_ id: UUID, companyID: UUID, queriesTotal: Int) async throws -> ProspectSearchRun {
        try await persistence.sql.raw("""
            UPDATE prospect_search_runs SET status = \(bind: ProspectSearchRunStatus.running.rawValue), queries_total = \(bind: max(0, queriesTotal)),
                updated_at = \(bind: clock.now())
            WHERE id = \(bind: id) AND company_id = \(bind: companyID)
                AND status IN (\(bind: ProspectSearchRunStatus.queued.rawValue), \(bind: ProspectSearchRunStatus.running.rawValue))
            """).run()
        return try await findRun(id, companyID: companyID)
    }

    /// Stores one page's companies and moves the cursor, in one transaction, and returns the run
    /// as it is now. INNs the run has already (another query or page found them, or a retried
    /// page is stored again) and repeats inside `found` are skipped, so `found` counts each
    /// company once; the run never holds more than `limit` (at most
    /// `ProspectSearchRun.maximumResults`). Throws `notFound` for another tenant's run.
    @discardableResult
    public func addResults(_ found: [Found], runID: UUID, companyID: UUID, progress: Progress, limit: Int = ProspectSearchRun.maximumResults)
        async throws -> ProspectSearchRun {
        let cap = min(max(0, limit), ProspectSearchRun.maximumResults)
        let now = clock.now()
        let encoder = ProspectJSON.encoder()
        let candidates = try found
            .map { try Columns($0, encoder: encoder) }
            .filter { !$0.inn.isEmpty }
            .uniqued(by: \.inn)
        try await persistence.database.transaction { db in
            let sql = db.asSQL
            guard try await sql.raw("SELECT id FROM prospect_search_runs WHERE id = \(bind: runID) AND company_id = \(bind: companyID)").first() != nil else {
                throw StorageError.notFound
            }
            let known = try await Self.innsStored(candidates.map(\.inn), runID: runID, companyID: companyID, on: sql)
            let state = try await sql.raw("""
                SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) AS last_position
                FROM prospect_results WHERE company_id = \(bind: companyID) AND run_id = \(bind: runID)
                """).first()
            let stored = try state?.decode(column: "n", as: Int.self) ?? 0
            let last = try state?.decode(column: "last_position", as: Int.self) ?? 0
            let room = max(0, cap - stored)
            let fresh = Array(candidates.filter { !known.contains($0.inn) }.prefix(room))
            for (offset, chunk) in fresh.chunked(into: Self.insertChunkSize).enumerated() {
                let insert = sql.insert(into: ProspectResultModel.schema).columns(Self.resultColumns)
                for (index, row) in chunk.enumerated() {
                    let position = last + 1 + offset * Self.insertChunkSize + index
                    insert.values(row.binds(id: UUID(), companyID: companyID, runID: runID, position: position, now: now))
                }
                try await insert.ignoringConflicts(with: ["run_id", "inn"]).run()
            }
            try await sql.raw("""
                UPDATE prospect_search_runs SET
                    found = (SELECT COUNT(*) FROM prospect_results WHERE company_id = \(bind: companyID) AND run_id = \(bind: runID)),
                    queries_done = \(bind: max(0, progress.queriesDone)), next_page = \(bind: progress.nextPage),
                    lookups_wanted = lookups_wanted + \(bind: progress.lookupsWanted), lookups_done = lookups_done + \(bind: progress.lookupsDone),
                    updated_at = \(bind: now)
                WHERE id = \(bind: runID) AND company_id = \(bind: companyID)
                """).run()
        }
        return try await findRun(runID, companyID: companyID)
    }

    /// Which of `inns` the run has stored already: the job looks up no figure for a company
    /// another query found before (`addResults` would skip it).
    public func storedINNs(_ inns: [String], runID: UUID, companyID: UUID) async throws -> Set<String> {
        try await Self.innsStored(inns, runID: runID, companyID: companyID, on: persistence.sql)
    }

    /// Every query is done (or the result cap reached): `finished`.
    @discardableResult
    public func finishRun(_ id: UUID, companyID: UUID) async throws -> ProspectSearchRun {
        try await end(id, companyID: companyID, status: .finished, error: nil)
    }

    /// The run cannot go on: `failed`, with the reason in plain words (never a key), cut to
    /// `ProspectSearchRun.maximumErrorLength`. The results stored so far stay importable.
    @discardableResult
    public func failRun(_ id: UUID, companyID: UUID, reason: String) async throws -> ProspectSearchRun {
        try await end(id, companyID: companyID, status: .failed, error: String(reason.prefix(ProspectSearchRun.maximumErrorLength)))
    }

    public func recordsForImport(runID: UUID, companyID: UUID, resultIDs: [UUID]?) async throws -> [CompanyRecord] {
        let sql = persistence.sql
        guard try await runModel(runID, companyID: companyID, on: persistence.database) != nil else { throw StorageError.notFound }
        let selections: [ArraySlice<UUID>?]
        if let resultIDs {
            selections = resultIDs.uniqued(by: { $0 }).chunked(into: Self.lookupChunkSize).map { Optional($0) }
        } else {
            selections = [nil]
        }
        var picked: [(position: Int, json: String)] = []
        for selection in selections {
            var statement: SQLQueryString = """
                SELECT position, record_json FROM prospect_results WHERE company_id = \(bind: companyID) AND run_id = \(bind: runID)
                """
            if let selection {
                statement += " AND id IN (\(binds: selection.map { $0 as any Encodable & Sendable }))"
            } else {
                statement += " AND not_checked = \(bind: false)"
            }
            for row in try await sql.raw(statement).all() {
                picked.append((try row.decode(column: "position", as: Int.self), try row.decode(column: "record_json", as: String.self)))
            }
        }
        return try picked.sorted { $0.position < $1.position }
            .map { try ProspectJSON.decode(CompanyRecord.self, from: $0.json, column: "prospect_results.record_json") }
    }

    public func recordImport(runID: UUID, companyID: UUID, imported count: Int) async throws {
        let updated = try await persistence.sql.raw("""
            UPDATE prospect_search_runs SET imported = imported + \(bind: max(0, count)), updated_at = \(bind: clock.now())
            WHERE id = \(bind: runID) AND company_id = \(bind: companyID)
            RETURNING id
            """).all()
        guard !updated.isEmpty else { throw StorageError.notFound }
    }

    // MARK: Helpers

    /// A result's columns, computed from the record before any transaction starts.
    struct Columns: Sendable {
        let inn: String
        let name: String
        let regionCode: String?
        let okvedCode: String?
        let revenue: Int64?
        let headcount: Int?
        let companyStatus: String?
        let recordJSON: String
        let notChecked: Bool

        init(_ found: Found, encoder: JSONEncoder) throws {
            let record = found.record
            inn = record.inn.trimmingCharacters(in: .whitespacesAndNewlines)
            name = record.displayName
            regionCode = record.regionCode?.value ?? found.matchedRegion
            okvedCode = record.mainOKVED?.value.code ?? found.matchedOKVED
            revenue = record.revenue?.value.roubles
            headcount = record.headcount?.value
            companyStatus = record.status?.value.rawValue
            recordJSON = try ProspectJSON.encode(record, with: encoder)
            notChecked = found.notChecked
        }

        func binds(id: UUID, companyID: UUID, runID: UUID, position: Int, now: Date) -> [any SQLExpression] {
            [
                SQLBind(id), SQLBind(companyID), SQLBind(runID), SQLBind(position), SQLBind(inn), SQLBind(name), SQLBind(regionCode),
                SQLBind(okvedCode), SQLBind(revenue), SQLBind(headcount), SQLBind(companyStatus), SQLBind(recordJSON), SQLBind(notChecked),
                SQLBind(now),
            ]
        }
    }

    private func insertRun(companyID: UUID, criteria: ProspectSearchCriteria, searchID: UUID?, scheduled: Bool) async throws -> ProspectSearchRun {
        let now = clock.now()
        let model = ProspectSearchRunModel()
        model.id = UUID()
        model.companyID = companyID
        model.searchID = searchID
        model.criteriaJSON = try ProspectJSON.encode(criteria, with: ProspectJSON.encoder())
        model.status = ProspectSearchRunStatus.queued.rawValue
        model.isScheduled = scheduled
        model.queriesTotal = 0
        model.queriesDone = 0
        model.nextPage = 1
        model.found = 0
        model.imported = 0
        model.lookupsWanted = 0
        model.lookupsDone = 0
        model.createdAt = now
        model.updatedAt = now
        try await persistence.database.transaction { db in
            if let searchID {
                guard let search = try await searchModel(searchID, companyID: companyID, on: db) else { throw StorageError.notFound }
                search.lastRunAt = now
                search.lastRunID = model.id
                search.updatedAt = now
                try await search.save(on: db)
            }
            try await model.create(on: db)
        }
        return try model.toDomain()
    }

    private func end(_ id: UUID, companyID: UUID, status: ProspectSearchRunStatus, error: String?) async throws -> ProspectSearchRun {
        let now = clock.now()
        let updated = try await persistence.sql.raw("""
            UPDATE prospect_search_runs SET status = \(bind: status.rawValue), error = \(bind: error), finished_at = \(bind: now),
                updated_at = \(bind: now)
            WHERE id = \(bind: id) AND company_id = \(bind: companyID)
            RETURNING id
            """).all()
        guard !updated.isEmpty else { throw StorageError.notFound }
        return try await findRun(id, companyID: companyID)
    }

    private static func innsStored(_ inns: [String], runID: UUID, companyID: UUID, on sql: any SQLDatabase) async throws -> Set<String> {
        var found = Set<String>()
        for chunk in inns.chunked(into: lookupChunkSize) {
            let values = chunk.map { $0 as any Encodable & Sendable }
            let rows = try await sql.raw("""
                SELECT inn FROM prospect_results WHERE company_id = \(bind: companyID) AND run_id = \(bind: runID) AND inn IN (\(binds: values))
                """).all()
            for row in rows { found.insert(try row.decode(column: "inn", as: String.self)) }
        }
        return found
    }

    private static func result(_ row: any SQLRow) throws -> ProspectResult {
        let status = try row.decode(column: "company_status", as: String?.self)
        return ProspectResult(
            id: try row.decode(column: "id", as: UUID.self),
            runID: try row.decode(column: "run_id", as: UUID.self),
            inn: try row.decode(column: "inn", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            regionCode: try row.decode(column: "region_code", as: String?.self),
            okvedCode: try row.decode(column: "okved_code", as: String?.self),
            revenue: try row.decode(column: "revenue", as: Int64?.self),
            headcount: try row.decode(column: "headcount", as: Int?.self),
            companyStatus: status.flatMap(CompanyStatus.init(rawValue:)),
            clientID: try row.decode(column: "client_id", as: UUID?.self))
    }

    private func searchModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> ProspectSearchModel? {
        let query = ProspectSearchModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }

    private func runModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> ProspectSearchRunModel? {
        let query = ProspectSearchRunModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }
}

extension ProspectSearchModel {
    func toDomain() throws -> ProspectSearch {
        ProspectSearch(
            id: try requireID(), companyID: companyID, name: name,
            criteria: try ProspectJSON.decode(ProspectSearchCriteria.self, from: criteriaJSON, column: "prospect_searches.criteria_json"),
            repeatEveryDays: repeatEveryDays, createdAt: createdAt, lastRunAt: lastRunAt, lastRunID: lastRunID)
    }
}

extension ProspectSearchRunModel {
    func toDomain() throws -> ProspectSearchRun {
        guard let runStatus = ProspectSearchRunStatus(rawValue: status) else { throw StorageError.corruptRow("prospect_search_runs.status") }
        return ProspectSearchRun(
            id: try requireID(), companyID: companyID, searchID: searchID,
            criteria: try ProspectJSON.decode(ProspectSearchCriteria.self, from: criteriaJSON, column: "prospect_search_runs.criteria_json"),
            status: runStatus, isScheduled: isScheduled, queriesTotal: queriesTotal, queriesDone: queriesDone, nextPage: nextPage, found: found,
            imported: imported, error: error, createdAt: createdAt, finishedAt: finishedAt, lookupsWanted: lookupsWanted, lookupsDone: lookupsDone)
    }
}
