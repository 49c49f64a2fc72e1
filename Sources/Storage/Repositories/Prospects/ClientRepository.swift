import Domain
import FluentKit
import Foundation
import SQLKit

/// A tenant's clients: the list, the card, imports from discovery, and what enrichment writes.
///
/// Three kinds of caller, three kinds of method, as for mailboxes: pages read with a
/// ``TenantScope`` (the platform scope reads the tenant it names), pages change things with a
/// ``TenantMember`` (so the platform scope cannot even ask), and workers, which act for the
/// tenant named in their job, pass that `companyID`. Every statement filters by company.
public struct ClientRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// The longest enrichment error kept for the UI.
    static let maximumErrorLength = 2_000
    /// Rows per INSERT: 16 binds each keeps a statement far under PostgreSQL's 65,535 and the
    /// bundled SQLite's limit, while few enough statements make 100,000 rows a matter of seconds.
    static let insertChunkSize = 500
    /// Values per `IN (…)` list.
    static let lookupChunkSize = 500

    static let insertColumns = [
        "id", "company_id", "inn", "name", "name_search", "status", "enrichment", "region_code", "okved_code", "revenue",
        "headcount", "origin", "record_json", "contacts_json", "created_at", "updated_at",
    ]

    // MARK: Pages

    /// One page of the tenant's clients (the platform scope names the tenant with `companyID`)
    /// with the number of clients matching the filters.
    ///
    /// Text: every word must appear in the name (any letter case, `ё` as `е`); a text of digits
    /// only is the start of an INN. OKVED: the code and every code below it. Revenue and
    /// headcount put unknown values last in both directions; status sorts by the pipeline's
    /// order; the id breaks ties. Reads plain columns only: no record is decoded.
    public func list(_ scope: TenantScope, _ query: ClientListQuery, companyID: UUID? = nil) async throws -> ClientPage {
        let company = try scope.company(lookingAt: companyID)
        let (clients, total) = try await readPage(company: company, query, columns: ClientListSQL.summaryColumns) {
            try ClientListSQL.summary(from: $0)
        }
        return ClientPage(clients: clients, totalCount: total, page: query.page, pageSize: query.pageSize)
    }

    /// One page of the list as ``list(_:_:companyID:)`` reads it, each client whole (record and
    /// contacts decoded), with the number of clients matching the filters: what the CSV export
    /// reads, a page at a time, so a tenant's 100,000 clients are never in memory at once.
    public func exportPage(_ member: TenantMember, _ query: ClientListQuery) async throws -> (clients: [Client], totalCount: Int) {
        let (clients, total) = try await readPage(company: member.companyID, query, columns: ClientListSQL.wholeColumns) {
            try ClientListSQL.client(from: $0)
        }
        return (clients: clients, totalCount: total)
    }

    /// The page `query` names in its order (see `ClientListSQL`), each row read by `decode`.
    private func readPage<Item>(company: UUID, _ query: ClientListQuery, columns: SQLQueryString,
                               _ decode: (any SQLRow) throws -> Item) async throws -> ([Item], Int) {
        let sql = persistence.sql
        let conditions = ClientListSQL.conditions(company: company, query)
        let slices = try await ClientListSQL.slices(for: query, conditions: conditions, on: sql, company: company, now: clock.now())
        var skip = (query.page - 1) * query.pageSize
        var wanted = query.pageSize
        var read: [Item] = []
        for slice in slices where wanted > 0 {
            guard skip < slice.count else {
                skip -= slice.count
                continue
            }
            var statement: SQLQueryString = "SELECT \(columns) FROM clients"
            ClientListSQL.appendWhere(conditions + slice.conditions, to: &statement)
            statement += " ORDER BY \(slice.order) LIMIT \(literal: wanted) OFFSET \(literal: skip)"
            let rows = try await sql.raw(statement).all()
            read += try rows.map(decode)
            wanted -= rows.count
            skip = 0
        }
        return (read, slices.reduce(0) { $0 + $1.count })
    }

    /// The client card. Another tenant's id is not found; the platform scope reads any.
    public func find(_ id: UUID, scope: TenantScope) async throws -> Client {
        guard let model = try await scopedModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Adds a client from a registry record (looked up by INN, or picked from search results),
    /// `new` and not enriched yet. Throws `alreadyExists` when the tenant has a client with
    /// this INN.
    public func create(_ member: TenantMember, record: CompanyRecord, origin: ClientOrigin) async throws -> Client {
        defer { ClientListCounts.shared.forget(company: member.companyID) }
        let now = clock.now()
        let encoder = ProspectJSON.encoder()
        let columns = try ClientColumns(record, encoder: encoder)
        let contactsJSON = try ProspectJSON.encode(ClientContacts.none, with: encoder)
        let id = UUID()
        do {
            try await persistence.database.transaction { db in
                let sql = db.asSQL
                try await sql.insert(into: ClientModel.schema).columns(Self.insertColumns)
                    .values(Self.binds(id: id, companyID: member.companyID, columns, origin: origin, contactsJSON: contactsJSON, now: now))
                    .run()
                try await ClientMailKeyRows.insert([(id: id, keys: ClientMailKeys(record: record, contacts: .none))], companyID: member.companyID, on: sql)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.alreadyExists
        }
        // A person chose this company: it is no longer one the tenant dismissed.
        try await Self.forgetDismissals(of: [columns.inn], companyID: member.companyID, on: persistence.sql)
        return Client(
            id: id, companyID: member.companyID, inn: columns.inn, name: columns.name, status: .new, enrichment: .notStarted,
            enrichmentError: nil, record: record, contacts: .none, origin: origin, createdAt: now, updatedAt: now, enrichedAt: nil)
    }

    /// Moves the client along the pipeline by hand, and records the move (from, to, the member,
    /// now, `comment`) in its history in the same transaction. Moving to the status it has
    /// changes and records nothing.
    public func setStatus(_ member: TenantMember, id: UUID, status: ClientStatus, comment: String? = nil) async throws -> Client {
        defer { ClientListCounts.shared.forget(company: member.companyID) }
        let now = clock.now()
        return try await persistence.database.transaction { db -> Client in
            guard let model = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
            let previous = model.status
            guard previous != status.rawValue else { return try model.toDomain() }
            model.status = status.rawValue
            model.updatedAt = now
            try await model.save(on: db)
            try await Self.recordStatusChange(clientID: id, companyID: member.companyID, from: previous, to: status.rawValue, by: member.userID,
                                              comment: comment, at: now, on: db.asSQL)
            return try model.toDomain()
        }
    }

    /// The client's moves along the pipeline, newest first, each with the name of who made it
    /// (nil for enrichment and for a user who is gone). Throws `notFound` for a client that is
    /// not the member's tenant's.
    public func statusHistory(_ member: TenantMember, clientID: UUID) async throws -> [ClientStatusChange] {
        guard try await scopedModel(clientID, companyID: member.companyID, on: persistence.database) != nil else { throw StorageError.notFound }
        let rows = try await persistence.sql.raw("""
            SELECT h.id AS id, h.client_id AS client_id, h.from_status AS from_status, h.to_status AS to_status, h.changed_by AS changed_by,
                u.full_name AS changed_by_name, h.comment AS comment, h.changed_at AS changed_at
            FROM client_status_changes h LEFT JOIN users u ON u.id = h.changed_by AND u.company_id = h.company_id
            WHERE h.company_id = \(bind: member.companyID) AND h.client_id = \(bind: clientID)
            ORDER BY h.changed_at DESC, h.id DESC
            """).all()
        return try rows.map { (row: any SQLRow) throws -> ClientStatusChange in
            guard let from = ClientStatus(rawValue: try row.decode(column: "from_status", as: String.self)),
                  let to = ClientStatus(rawValue: try row.decode(column: "to_status", as: String.self)) else {
                throw StorageError.corruptRow("client_status_changes.status")
            }
            return ClientStatusChange(
                id: try row.decode(column: "id", as: UUID.self), clientID: try row.decode(column: "client_id", as: UUID.self), from: from, to: to,
                changedBy: try row.decode(column: "changed_by", as: UUID?.self), changedByName: try row.decode(column: "changed_by_name", as: String?.self),
                comment: try row.decode(column: "comment", as: String?.self), changedAt: try row.decode(column: "changed_at", as: Date.self))
        }
    }

    static func recordStatusChange(clientID: UUID, companyID: UUID, from: String, to: String, by userID: UUID?, comment: String?, at time: Date,
                                   on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "client_status_changes")
            .columns("id", "company_id", "client_id", "from_status", "to_status", "changed_by", "comment", "changed_at")
            .values([
                SQLBind(UUID()), SQLBind(companyID), SQLBind(clientID), SQLBind(from), SQLBind(to), SQLBind(userID), SQLBind(comment), SQLBind(time),
            ] as [any SQLExpression])
            .run()
    }

    /// Changes the client's contacts by hand: `edit` gets them as they are now (inside the
    /// transaction, the row locked on PostgreSQL, so an enrichment storing at the same moment
    /// neither loses the edit nor is lost) and returns them as they should be. The client's mail
    /// keys follow in the same transaction. Errors `edit` throws come out unchanged, and nothing
    /// is stored; `notFound` for a client that is not the member's tenant's.
    public func updateContacts(_ member: TenantMember, id: UUID,
                               _ edit: @escaping @Sendable (ClientContacts) throws -> ClientContacts) async throws -> Client {
        let companyID = member.companyID
        let now = clock.now()
        let isPostgres = persistence.location.isPostgres
        try await persistence.database.transaction { db -> Void in
            let sql = db.asSQL
            let lock: SQLQueryString = isPostgres ? " FOR UPDATE" : ""
            let query: SQLQueryString = "SELECT record_json, contacts_json FROM clients WHERE id = \(bind: id) AND company_id = \(bind: companyID)\(lock)"
            guard let row = try await sql.raw(query).first() else { throw StorageError.notFound }
            let record = try ProspectJSON.decode(CompanyRecord.self, from: try row.decode(column: "record_json", as: String.self),
                                                 column: "clients.record_json")
            let current = try ProspectJSON.decode(ClientContacts.self, from: try row.decode(column: "contacts_json", as: String.self),
                                                  column: "clients.contacts_json")
            let contacts = try edit(current)
            let contactsJSON = try ProspectJSON.encode(contacts, with: ProspectJSON.encoder())
            let flags = ClientContactFlags(contacts)
            try await sql.raw("""
                UPDATE clients SET contacts_json = \(bind: contactsJSON), updated_at = \(bind: now),
                    has_email = \(bind: flags.hasEmail), has_phone = \(bind: flags.hasPhone), has_decision_maker = \(bind: flags.hasDecisionMaker)
                WHERE id = \(bind: id) AND company_id = \(bind: companyID)
                """).run()
            try await ClientMailKeyRows.replace(clientID: id, companyID: companyID, keys: ClientMailKeys(record: record, contacts: contacts), on: sql)
        }
        return try await find(id, companyID: companyID)
    }

    /// Removes the client and its notes. Its enrichment charges stay (without the client): the
    /// month's usage does not shrink when a client goes. Its INN is remembered as dismissed, so
    /// a saved search's scheduled re-run does not import the company again.
    public func delete(_ member: TenantMember, id: UUID) async throws {
        defer { ClientListCounts.shared.forget(company: member.companyID) }
        let company = member.companyID
        let now = clock.now()
        try await persistence.database.transaction { db in
            guard let model = try await scopedModel(id, companyID: company, on: db) else { throw StorageError.notFound }
            let sql = db.asSQL
            try await sql.insert(into: Self.dismissedSchema)
                .columns("id", "company_id", "inn", "dismissed_at")
                .values([SQLBind(UUID()), SQLBind(company), SQLBind(model.inn), SQLBind(now)] as [any SQLExpression])
                .onConflict(with: ["company_id", "inn"]) { $0.set(excludedValueOf: "dismissed_at") }
                .run()
            try await sql.raw("DELETE FROM client_notes WHERE company_id = \(bind: company) AND client_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM client_status_changes WHERE company_id = \(bind: company) AND client_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM client_mail_keys WHERE company_id = \(bind: company) AND client_id = \(bind: id)").run()
            try await sql.raw("UPDATE enrichment_charges SET client_id = NULL WHERE company_id = \(bind: company) AND client_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM clients WHERE company_id = \(bind: company) AND id = \(bind: id)").run()
        }
    }

    // MARK: Workers and search results

    /// A client of the tenant the worker's job belongs to.
    public func find(_ id: UUID, companyID: UUID) async throws -> Client {
        guard let model = try await scopedModel(id, companyID: companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Which of these INNs the tenant has as clients already: the "already a client" marks on
    /// search results.
    public func existingINNs(_ inns: [String], companyID: UUID) async throws -> Set<String> {
        var found = Set<String>()
        for chunk in inns.uniqued(by: { $0 }).chunked(into: Self.lookupChunkSize) {
            let values = chunk.map { $0 as any Encodable & Sendable }
            let rows = try await persistence.sql.raw("""
                SELECT inn FROM clients WHERE company_id = \(bind: companyID) AND inn IN (\(binds: values))
                """).all()
            for row in rows { found.insert(try row.decode(column: "inn", as: String.self)) }
        }
        return found
    }

    /// Which of these INNs the tenant dismissed (deleted as clients) and has not taken back.
    public func dismissedINNs(_ inns: [String], companyID: UUID) async throws -> Set<String> {
        try await Self.dismissedINNs(inns, companyID: companyID, on: persistence.sql)
    }

    static let dismissedSchema = "dismissed_companies"

    static func dismissedINNs(_ inns: [String], companyID: UUID, on sql: any SQLDatabase) async throws -> Set<String> {
        var found = Set<String>()
        for chunk in inns.uniqued(by: { $0 }).chunked(into: lookupChunkSize) {
            let values = chunk.map { $0 as any Encodable & Sendable }
            let rows = try await sql.raw("""
                SELECT inn FROM dismissed_companies WHERE company_id = \(bind: companyID) AND inn IN (\(binds: values))
                """).all()
            for row in rows { found.insert(try row.decode(column: "inn", as: String.self)) }
        }
        return found
    }

    static func forgetDismissals(of inns: [String], companyID: UUID, on sql: any SQLDatabase) async throws {
        for chunk in inns.uniqued(by: { $0 }).chunked(into: lookupChunkSize) {
            let values = chunk.map { $0 as any Encodable & Sendable }
            try await sql.raw("""
                DELETE FROM dismissed_companies WHERE company_id = \(bind: companyID) AND inn IN (\(binds: values))
                """).run()
        }
    }

    /// Adds the records the tenant does not have as clients yet, in one transaction, and returns
    /// the new clients' ids in the order of `records`. INNs the tenant has already, and repeats
    /// inside `records`, are skipped; the unique index decides (`ON CONFLICT DO NOTHING`), so two
    /// imports racing add each company once.
    ///
    /// Rows go in multi-row INSERTs of ``insertChunkSize``. The transaction holds SQLite's only
    /// connection while it runs: callers importing more than a few thousand records while people
    /// work should pass them in parts.
    ///
    /// Companies the tenant dismissed (deleted as clients): `leavingOutDismissed` (a saved
    /// search's scheduled import, which nobody watches) skips them; otherwise (a person picked
    /// them) they are imported and no longer dismissed.
    public func importRecords(companyID: UUID, _ records: [CompanyRecord], origin: ClientOrigin,
                              leavingOutDismissed: Bool = false, originRunID: UUID? = nil) async throws -> [UUID] {
        defer { ClientListCounts.shared.forget(company: companyID) }
        let now = clock.now()
        let encoder = ProspectJSON.encoder()
        let contactsJSON = try ProspectJSON.encode(ClientContacts.none, with: encoder)
        let columns = try records
            .map { try ClientColumns($0, encoder: encoder) }
            .filter { !$0.inn.isEmpty }
            .uniqued(by: \.inn)
        guard !columns.isEmpty else { return [] }
        let mailKeys = Dictionary(
            records.map { (record: CompanyRecord) -> (String, ClientMailKeys) in
                (record.inn.trimmingCharacters(in: .whitespacesAndNewlines), ClientMailKeys(record: record, contacts: .none))
            },
            uniquingKeysWith: { first, _ in first })
        return try await persistence.database.transaction { db in
            let sql = db.asSQL
            let inns = columns.map(\.inn)
            var wanted = columns
            if leavingOutDismissed {
                let dismissed = try await Self.dismissedINNs(inns, companyID: companyID, on: sql)
                wanted = columns.filter { !dismissed.contains($0.inn) }
            } else {
                try await Self.forgetDismissals(of: inns, companyID: companyID, on: sql)
            }
            let rows = wanted.map { picked in
                let id = UUID()
                return PendingRow(id: id, binds: Self.binds(id: id, companyID: companyID, picked, origin: origin, contactsJSON: contactsJSON, now: now),
                                  mailKeys: mailKeys[picked.inn] ?? ClientMailKeys(addresses: [], domains: []))
            }
            var created: [UUID] = []
            for chunk in rows.chunked(into: Self.insertChunkSize) {
                let insert = sql.insert(into: ClientModel.schema).columns(Self.insertColumns)
                for row in chunk { insert.values(row.binds) }
                let inserted = try await insert.ignoringConflicts(with: ["company_id", "inn"]).returning("id").all()
                let newIDs = Set(try inserted.map { try $0.decode(column: "id", as: UUID.self) })
                let added = chunk.filter { newIDs.contains($0.id) }
                try await ClientMailKeyRows.insert(added.map { (id: $0.id, keys: $0.mailKeys) }, companyID: companyID, on: sql)
                if let originRunID, !added.isEmpty {
                    // Only the clients this import created: one that was a client before keeps its origin.
                    let values = added.map { $0.id as any Encodable & Sendable }
                    try await sql.raw("""
                        UPDATE clients SET origin_run_id = \(bind: originRunID) WHERE company_id = \(bind: companyID) AND id IN (\(binds: values))
                        """).run()
                }
                created += added.map(\.id)
            }
            return created
        }
    }

    /// Enrichment of these clients was queued, or waits to retry after an outage (`reason` says
    /// so in plain words; nil clears it). Ids of other tenants are ignored. `batchID` names the
    /// bulk request that queued them (see ``enrichmentCounts(companyID:batchID:)``); without it
    /// a client stays in the batch it was in.
    public func markEnrichmentPending(companyID: UUID, ids: [UUID], reason: String?, batchID: UUID? = nil) async throws {
        defer { ClientListCounts.shared.forget(company: companyID) }
        let text = reason.map { String($0.prefix(Self.maximumErrorLength)) }
        let now = clock.now()
        let chunks = ids.uniqued(by: { $0 }).chunked(into: Self.lookupChunkSize)
        guard !chunks.isEmpty else { return }
        try await persistence.database.transaction { db in
            for chunk in chunks {
                let values = chunk.map { $0 as any Encodable & Sendable }
                var statement: SQLQueryString = """
                    UPDATE clients SET enrichment = \(bind: EnrichmentState.pending.rawValue), enrichment_error = \(bind: text),
                        updated_at = \(bind: now)
                    """
                if let batchID { statement += ", enrichment_batch_id = \(bind: batchID)" }
                statement += " WHERE company_id = \(bind: companyID) AND id IN (\(binds: values))"
                try await db.asSQL.raw(statement).run()
            }
        }
    }

    /// Marks "failed" with `reason` the tenant's clients that are "pending" and were last changed
    /// before `updatedBefore` (at most `limit` of them), unless the tenant has a job of `kind`
    /// that is queued, running or waiting to retry: such a job may be on its way to them. What is
    /// left is a client whose worker died during its last attempt, which would otherwise wait for
    /// nothing. Returns how many were marked. The check and the change share one transaction;
    /// a client queued meanwhile was changed just now, so it is not old enough to be taken.
    public func failAbandonedPending(companyID: UUID, updatedBefore: Date, reason: String, limit: Int,
                                     unlessLive kind: String) async throws -> Int {
        let text = String(reason.prefix(Self.maximumErrorLength))
        let now = clock.now()
        let pending = EnrichmentState.pending.rawValue
        let marked = try await persistence.database.transaction { db -> Int in
            let sql = db.asSQL
            if try await JobQueue.hasLiveJob(kind: kind, companyID: companyID, on: sql) { return 0 }
            let rows = try await sql.raw("""
                UPDATE clients SET enrichment = \(bind: EnrichmentState.failed.rawValue), enrichment_error = \(bind: text),
                    updated_at = \(bind: now)
                WHERE company_id = \(bind: companyID) AND id IN (
                    SELECT id FROM clients
                    WHERE company_id = \(bind: companyID) AND enrichment = \(bind: pending) AND updated_at < \(bind: updatedBefore)
                    LIMIT \(literal: max(1, limit))
                )
                RETURNING id
                """).all()
            return rows.count
        }
        if marked > 0 { ClientListCounts.shared.forget(company: companyID) }
        return marked
    }

    /// The tenants (at most `limit`) with a client "pending" since before `updatedBefore`: where
    /// ``failAbandonedPending(companyID:updatedBefore:reason:limit:unlessLive:)`` may find work.
    /// A platform sweep's question; it reads company ids only, and each tenant is then handled
    /// with its own scope.
    public func companiesWithOldPending(updatedBefore: Date, limit: Int) async throws -> [UUID] {
        let rows = try await persistence.sql.raw("""
            SELECT c.id FROM companies c
            WHERE EXISTS (
                SELECT 1 FROM clients l
                WHERE l.company_id = c.id AND l.enrichment = \(bind: EnrichmentState.pending.rawValue) AND l.updated_at < \(bind: updatedBefore)
            )
            ORDER BY c.id
            LIMIT \(literal: max(1, limit))
            """).all()
        return try rows.map { try $0.decode(column: "id", as: UUID.self) }
    }

    /// Enrichment failed for a reason a person must see (a key, a quota, an unusable answer).
    /// The record and contacts the client had stay as they were; `reason` (a `ProspectProblem`'s
    /// stored form, which already fits; never a key) is cut to ``maximumErrorLength`` characters.
    /// Throws `notFound` when the client is gone.
    public func markEnrichmentFailed(_ id: UUID, companyID: UUID, reason: String) async throws {
        defer { ClientListCounts.shared.forget(company: companyID) }
        let row = try await persistence.sql.raw("""
            UPDATE clients SET enrichment = \(bind: EnrichmentState.failed.rawValue),
                enrichment_error = \(bind: String(reason.prefix(Self.maximumErrorLength))), updated_at = \(bind: clock.now())
            WHERE id = \(bind: id) AND company_id = \(bind: companyID)
            RETURNING id
            """).first()
        guard row != nil else { throw StorageError.notFound }
    }

    /// How many of these clients (nil: all the tenant's) are in each enrichment state, every
    /// state present (zero when none): the live progress of a bulk run.
    public func enrichmentCounts(companyID: UUID, ids: [UUID]?) async throws -> [EnrichmentState: Int] {
        guard ids == nil else { return try await countEnrichment(companyID: companyID, ids: ids) }
        // The whole tenant's figures (the list page's): kept a few seconds, see `ClientListCounts`.
        let values = try await ClientListCounts.shared.values(company: companyID, key: "enrichment", now: clock.now()) {
            let counts = try await countEnrichment(companyID: companyID, ids: nil)
            return EnrichmentState.allCases.map { counts[$0] ?? 0 }
        }
        return Dictionary(uniqueKeysWithValues: zip(EnrichmentState.allCases, values))
    }

    /// How many of the clients a bulk request last queued (``markEnrichmentPending(companyID:ids:reason:batchID:)``)
    /// are in each enrichment state, every state present: the live progress of that request.
    /// An unknown batch, or another tenant's, counts zero everywhere.
    public func enrichmentCounts(companyID: UUID, batchID: UUID) async throws -> [EnrichmentState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: EnrichmentState.allCases.map { ($0, 0) })
        let rows = try await persistence.sql.raw("""
            SELECT enrichment, COUNT(*) AS n FROM clients
            WHERE company_id = \(bind: companyID) AND enrichment_batch_id = \(bind: batchID)
            GROUP BY enrichment
            """).all()
        for row in rows {
            let value = try row.decode(column: "enrichment", as: String.self)
            guard let state = EnrichmentState(rawValue: value) else { throw StorageError.corruptRow("clients.enrichment") }
            counts[state, default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    private func countEnrichment(companyID: UUID, ids: [UUID]?) async throws -> [EnrichmentState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: EnrichmentState.allCases.map { ($0, 0) })
        let selections: [ArraySlice<UUID>?]
        if let ids {
            selections = ids.uniqued(by: { $0 }).chunked(into: Self.lookupChunkSize).map { Optional($0) }
        } else {
            selections = [nil]
        }
        for selection in selections {
            var statement: SQLQueryString = "SELECT enrichment, COUNT(*) AS n FROM clients WHERE company_id = \(bind: companyID)"
            if let selection {
                statement += " AND id IN (\(binds: selection.map { $0 as any Encodable & Sendable }))"
            }
            statement += " GROUP BY enrichment"
            for row in try await persistence.sql.raw(statement).all() {
                let value = try row.decode(column: "enrichment", as: String.self)
                let clients = try row.decode(column: "n", as: Int.self)
                guard let state = EnrichmentState(rawValue: value) else { throw StorageError.corruptRow("clients.enrichment") }
                counts[state, default: 0] += clients
            }
        }
        return counts
    }

    /// Stores what an enrichment found, in one transaction: the client's record, contacts and
    /// the columns copied from the record; `succeeded` when the contacts hold a verified contact
    /// or decision maker, else `empty`; the error cleared. A `new` client becomes `enriched` on
    /// success (a client further along keeps its status). `cacheEntry`, when given, goes into
    /// the cross-tenant cache in the same transaction.
    ///
    /// A success is charged against this month's quota unless the client was charged this month
    /// already (the unique index decides, so a re-run or a race never charges twice), and only
    /// when `chargeable`: the caller says whether this run itself found a verified contact, since
    /// `contacts` holds what earlier runs found as well, and a re-run that found nothing is no
    /// success to bill. Returns the charge made, or nil when nothing was charged (empty contacts,
    /// not chargeable, or charged already). Throws `notFound` when the client is gone, and then
    /// stores nothing.
    public func storeEnrichment(
        _ id: UUID, companyID: UUID, record: CompanyRecord, contacts: ClientContacts, source: String, reason: String,
        cacheEntry: CachedCompany?, chargeable: Bool = true
    ) async throws -> EnrichmentCharge? {
        defer { ClientListCounts.shared.forget(company: companyID) }
        let now = clock.now()
        let encoder = ProspectJSON.encoder()
        let columns = try ClientColumns(record, encoder: encoder)
        let cacheRow = try cacheEntry.map { try CompanyCacheRepository.Row($0, encoder: encoder) }
        let isPostgres = persistence.location.isPostgres
        return try await persistence.database.transaction { db -> EnrichmentCharge? in
            let sql = db.asSQL
            // What people typed in stays as it is now, whatever the contacts read when the
            // enrichment started say (see `ClientContacts.keepingEntered(from:)`).
            let lock: SQLQueryString = isPostgres ? " FOR UPDATE" : ""
            let read: SQLQueryString = "SELECT status, contacts_json FROM clients WHERE id = \(bind: id) AND company_id = \(bind: companyID)\(lock)"
            guard let currentRow = try await sql.raw(read).first() else { throw StorageError.notFound }
            let previousStatus = try currentRow.decode(column: "status", as: String.self)
            let current = try ProspectJSON.decode(ClientContacts.self, from: try currentRow.decode(column: "contacts_json", as: String.self),
                                                  column: "clients.contacts_json")
            let stored = contacts.keepingEntered(from: current)
            let contactsJSON = try ProspectJSON.encode(stored, with: ProspectJSON.encoder())
            let succeeded = stored.hasVerifiedContact
            let state: EnrichmentState = succeeded ? .succeeded : .empty
            let mailKeys = ClientMailKeys(record: record, contacts: stored)
            let flags = ClientContactFlags(stored)
            var statement: SQLQueryString = """
                UPDATE clients SET name = \(bind: columns.name), name_search = \(bind: columns.nameSearch),
                    region_code = \(bind: columns.regionCode), okved_code = \(bind: columns.okvedCode), revenue = \(bind: columns.revenue),
                    headcount = \(bind: columns.headcount), record_json = \(bind: columns.recordJSON), contacts_json = \(bind: contactsJSON),
                    enrichment = \(bind: state.rawValue), enrichment_error = NULL, enriched_at = \(bind: now), updated_at = \(bind: now),
                    has_email = \(bind: flags.hasEmail), has_phone = \(bind: flags.hasPhone), has_decision_maker = \(bind: flags.hasDecisionMaker)
                """
            let becomesEnriched = succeeded && previousStatus == ClientStatus.new.rawValue
            if becomesEnriched {
                statement += ", status = \(bind: ClientStatus.enriched.rawValue)"
            }
            statement += " WHERE id = \(bind: id) AND company_id = \(bind: companyID) RETURNING inn"
            guard let updated = try await sql.raw(statement).first() else { throw StorageError.notFound }
            let inn = try updated.decode(column: "inn", as: String.self)
            if becomesEnriched {
                try await Self.recordStatusChange(clientID: id, companyID: companyID, from: previousStatus, to: ClientStatus.enriched.rawValue,
                                                  by: nil, comment: nil, at: now, on: sql)
            }
            try await ClientMailKeyRows.replace(clientID: id, companyID: companyID, keys: mailKeys, on: sql)
            if let cacheRow {
                try await CompanyCacheRepository.upsert(cacheRow, now: now, on: sql)
            }
            guard succeeded, chargeable else { return nil }
            let charge = EnrichmentCharge(
                id: UUID(), clientID: id, inn: inn, clientName: columns.name, period: EnrichmentCharge.period(of: now), source: source,
                reason: reason, chargedAt: now)
            let inserted = try await sql.insert(into: EnrichmentChargeModel.schema)
                .columns("id", "company_id", "client_id", "inn", "client_name", "period", "source", "reason", "charged_at")
                .values([
                    SQLBind(charge.id), SQLBind(companyID), SQLBind(id), SQLBind(charge.inn), SQLBind(charge.clientName),
                    SQLBind(charge.period), SQLBind(charge.source), SQLBind(charge.reason), SQLBind(charge.chargedAt),
                ] as [any SQLExpression])
                .ignoringConflicts(with: ["company_id", "client_id", "period"])
                .returning("id")
                .all()
            return inserted.isEmpty ? nil : charge
        }
    }

    // MARK: Helpers

    /// A row built outside the transaction, so JSON encoding never holds the connection.
    struct PendingRow: Sendable {
        let id: UUID
        let binds: [any SQLExpression]
        let mailKeys: ClientMailKeys
    }

    static func binds(id: UUID, companyID: UUID, _ columns: ClientColumns, origin: ClientOrigin, contactsJSON: String, now: Date) -> [any SQLExpression] {
        [
            SQLBind(id), SQLBind(companyID), SQLBind(columns.inn), SQLBind(columns.name), SQLBind(columns.nameSearch),
            SQLBind(ClientStatus.new.rawValue), SQLBind(EnrichmentState.notStarted.rawValue), SQLBind(columns.regionCode),
            SQLBind(columns.okvedCode), SQLBind(columns.revenue), SQLBind(columns.headcount), SQLBind(origin.rawValue),
            SQLBind(columns.recordJSON), SQLBind(contactsJSON), SQLBind(now), SQLBind(now),
        ]
    }

    private func scopedModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> ClientModel? {
        let query = ClientModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }
}

extension ClientModel {
    func toDomain() throws -> Client {
        guard let clientStatus = ClientStatus(rawValue: status) else { throw StorageError.corruptRow("clients.status") }
        guard let state = EnrichmentState(rawValue: enrichment) else { throw StorageError.corruptRow("clients.enrichment") }
        guard let clientOrigin = ClientOrigin(rawValue: origin) else { throw StorageError.corruptRow("clients.origin") }
        return Client(
            id: try requireID(), companyID: companyID, inn: inn, name: name, status: clientStatus, enrichment: state,
            enrichmentError: enrichmentError,
            record: try ProspectJSON.decode(CompanyRecord.self, from: recordJSON, column: "clients.record_json"),
            contacts: try ProspectJSON.decode(ClientContacts.self, from: contactsJSON, column: "clients.contacts_json"),
            origin: clientOrigin, createdAt: createdAt, updatedAt: updatedAt, enrichedAt: enrichedAt)
    }
}
