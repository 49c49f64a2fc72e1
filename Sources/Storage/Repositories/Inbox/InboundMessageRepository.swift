import Domain
import FluentKit
import Foundation
import SQLKit

/// Stored inbound messages (metadata only) and the inbox's list, card, chart and badges.
///
/// Pages read with a ``TenantScope``; the sync and classify workers pass the `companyID` of
/// their job. Every statement filters by company.
public struct InboundMessageRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// Rows per INSERT: 16 binds each keeps a statement under SQLite's oldest limit of 999.
    static let insertChunkSize = 50
    /// Values per `IN (…)` list.
    static let lookupChunkSize = 500

    static let insertColumns = [
        "id", "company_id", "mailbox_id", "provider_item_id", "message_id", "in_reply_to", "reference_ids", "from_address",
        "from_name", "to_addresses", "subject", "snippet", "search_text", "received_at", "stored_at", "from_domain",
    ]

    // MARK: Sync worker

    /// Stores a batch from one mailbox and returns the messages that were new, in batch order:
    /// make classify jobs for exactly these.
    ///
    /// A message is skipped when the mailbox already has its provider item id, or when the
    /// tenant already has its Message-ID (from this mailbox or another). The unique indexes
    /// decide (`INSERT … ON CONFLICT DO NOTHING RETURNING id`), so storing the same batch twice,
    /// or two workers racing, stores each message once. With `checkpoint` the mailbox's sync
    /// checkpoint is saved in the same transaction. The mailbox's `messagesStored` grows by the
    /// number stored. Throws `notFound` when the mailbox is gone (removed during the sync).
    ///
    /// `followUp` names the jobs the new messages need (their classification); they are queued
    /// in the same transaction as the messages and the checkpoint, so a process killed right
    /// after storing cannot leave messages that nothing will ever classify.
    public func store(_ messages: [NewInboundMessage], companyID: UUID, mailboxID: UUID, checkpoint: String? = nil,
                      followUp: @escaping @Sendable ([InboundMessage]) -> [NewJob] = { _ in [] }) async throws -> [InboundMessage] {
        let now = clock.now()
        let batch = messages
            .uniqued(by: \.providerItemID)
            .uniqued { (message: NewInboundMessage) -> String in
                if let messageID = message.messageID { return "m:" + messageID }
                return "i:" + message.providerItemID
            }
        let newMessages = try await persistence.database.transaction { db in
            guard try await MailboxModel.query(on: db).filter(\.$id == mailboxID).filter(\.$companyID == companyID).first() != nil else {
                throw StorageError.notFound
            }
            let sql = db.asSQL
            var stored: [InboundMessage] = []
            for chunk in batch.chunked(into: Self.insertChunkSize) {
                let rows = chunk.map { message in
                    InboundMessage(
                        id: UUID(), companyID: companyID, mailboxID: mailboxID, providerItemID: message.providerItemID,
                        messageID: message.messageID, inReplyTo: message.inReplyTo, references: message.references,
                        fromAddress: message.fromAddress, fromName: message.fromName, toAddresses: message.toAddresses,
                        subject: message.subject, snippet: message.snippet, receivedAt: message.receivedAt, storedAt: now)
                }
                let insert = sql.insert(into: InboundMessageModel.schema).columns(Self.insertColumns)
                for row in rows { insert.values(Self.binds(row)) }
                let inserted = try await insert.ignoringConflicts().returning("id").all()
                let newIDs = Set(try inserted.map { try $0.decode(column: "id", as: UUID.self) })
                stored += rows.filter { newIDs.contains($0.id) }
            }
            if !stored.isEmpty {
                try await sql.raw("""
                    UPDATE mailboxes SET messages_stored = messages_stored + \(bind: stored.count), updated_at = \(bind: now)
                    WHERE id = \(bind: mailboxID) AND company_id = \(bind: companyID)
                    """).run()
            }
            if let checkpoint {
                try await MailboxRepository.upsertCheckpoint(mailboxID: mailboxID, companyID: companyID, json: checkpoint, now: now, on: sql)
            }
            let jobs = stored.isEmpty ? [] : followUp(stored)
            if !jobs.isEmpty {
                try await jobs.map { JobModel.fresh($0, now: now) }.create(on: db)
            }
            return stored
        }
        if !newMessages.isEmpty { persistence.jobArrivals.notify() }
        return newMessages
    }

    /// Gives messages this mailbox stored before the ids they have on the server now, found by
    /// Message-ID (`messageIDs` maps a Message-ID to the current provider item id). After a
    /// UIDVALIDITY change an IMAP folder lists every message again under new ids; `store` skips
    /// them as duplicates, and this moves the stored ids along so labels can still be written.
    /// Messages of other mailboxes or tenants are left alone. A message a rule had moved away
    /// and that is listed here again is back where the sync reads mail (its owner moved it
    /// back): where the rule had put it is forgotten.
    ///
    /// A rebuilt folder has usually lost its keywords too, while the moved messages' label
    /// actions are `done` and would never run again. So a moved message's done `applyLabel`
    /// actions become pending once more (attempts and error cleared), in the same transaction
    /// as its new id: a crash cannot leave a message moved with its labels forgotten. The label
    /// job writes them under the new id; keywords a message has are not stored again, so this
    /// is safe when the folder did keep them. Mark-as-read and moves are not redone: a person
    /// may have changed those in the mailbox since, and doing them again would undo that.
    ///
    /// One transaction per message: a message whose new id another stored message holds already
    /// fails on the unique index, and on PostgreSQL that failure spoils the whole transaction;
    /// alone, it rolls back only its own move and the rest go on.
    @discardableResult
    public func updateProviderItemIDs(_ messageIDs: [String: String], companyID: UUID, mailboxID: UUID) async throws -> ProviderItemIDMoves {
        var result = ProviderItemIDMoves()
        for (rawMessageID, providerItemID) in messageIDs.sorted(by: { $0.key < $1.key }) {
            guard let messageID = InboundMessage.normalisedMessageID(rawMessageID), !providerItemID.isEmpty else { continue }
            let now = clock.now()
            do {
                let (moved, reopened) = try await persistence.database.transaction { db -> (Int, Int) in
                    let sql = db.asSQL
                    let changed = try await sql.raw("""
                        UPDATE inbound_messages SET provider_item_id = \(bind: providerItemID), moved_to_folder = NULL, moved_item_id = NULL
                        WHERE company_id = \(bind: companyID) AND mailbox_id = \(bind: mailboxID) AND message_id = \(bind: messageID)
                            AND provider_item_id <> \(bind: providerItemID)
                        RETURNING id
                        """).all().map { try $0.decode(column: "id", as: UUID.self) }
                    var reopened = 0
                    for id in changed {
                        reopened += try await sql.raw("""
                            UPDATE label_actions
                            SET status = \(bind: LabelActionStatus.pending.rawValue), attempts = 0, last_error = NULL, done_at = NULL,
                                updated_at = \(bind: now)
                            WHERE company_id = \(bind: companyID) AND mailbox_id = \(bind: mailboxID) AND message_id = \(bind: id)
                                AND kind = \(bind: LabelActionKind.applyLabel.rawValue) AND status = \(bind: LabelActionStatus.done.rawValue)
                            RETURNING id
                            """).all().count
                    }
                    return (changed.count, reopened)
                }
                result.moved += moved
                result.labelsReapplied += reopened
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Another stored message holds that id already: keep both as they are.
                continue
            }
        }
        return result
    }

    /// Records where a rule's move took the message, in the transaction that marks the move
    /// action done: the two cannot disagree, so a move that happened is never tried again, and
    /// the labels and corrections that come later find the message where it is now
    /// (`InboundMessage.currentItemID`). `note` stays on the done action for the message card:
    /// why the message's new id is not known, when it is not. Another tenant's message or
    /// action is not touched.
    public func recordMove(_ messageID: UUID, to location: MessageLocation, moveAction actionID: UUID, note: String? = nil,
                           companyID: UUID) async throws {
        let now = clock.now()
        let kept = note.map { String($0.prefix(LabelActionRepository.maximumErrorLength)) }
        try await persistence.database.transaction { db -> Void in
            let sql = db.asSQL
            try await sql.raw("""
                UPDATE inbound_messages SET moved_to_folder = \(bind: location.folder), moved_item_id = \(bind: location.itemID)
                WHERE id = \(bind: messageID) AND company_id = \(bind: companyID)
                """).run()
            try await sql.raw("""
                UPDATE label_actions
                SET status = \(bind: LabelActionStatus.done.rawValue), last_error = \(bind: kept), done_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: actionID) AND company_id = \(bind: companyID) AND message_id = \(bind: messageID)
                    AND status <> \(bind: LabelActionStatus.done.rawValue)
                """).run()
        }
    }

    /// The tenant's stored messages with any of these Message-IDs (brackets optional): reply
    /// linking passes a message's In-Reply-To and References.
    public func findByMessageIDs(_ messageIDs: [String], companyID: UUID) async throws -> [InboundMessage] {
        let wanted = messageIDs.compactMap { InboundMessage.normalisedMessageID($0) }.uniqued { $0 }
        var found: [InboundMessage] = []
        for chunk in wanted.chunked(into: Self.lookupChunkSize) {
            found += try await persistence.sql.raw("""
                SELECT \(Self.messageColumns) FROM inbound_messages m
                WHERE m.company_id = \(bind: companyID) AND m.message_id IN (\(binds: chunk.map { $0 as any Encodable & Sendable }))
                """).all().map(Self.message(from:))
        }
        return found.sorted { ($0.receivedAt, $0.id.uuidString) < ($1.receivedAt, $1.id.uuidString) }
    }

    /// Messages by id, for a classify job; ids of other tenants are simply not found.
    ///
    /// Read as plain rows rather than through the Fluent model: the workers read every stored
    /// message two or three times, and Fluent finds a model's fields by reflection for every
    /// row, which took an eighth of the inbox pipeline's CPU time (`scripts/bench pipeline`).
    public func messages(_ ids: [UUID], companyID: UUID) async throws -> [InboundMessage] {
        var found: [InboundMessage] = []
        for chunk in ids.uniqued(by: { $0 }).chunked(into: Self.lookupChunkSize) {
            found += try await persistence.sql.raw("""
                SELECT \(Self.messageColumns) FROM inbound_messages m
                WHERE m.company_id = \(bind: companyID) AND m.id IN (\(binds: chunk.map { $0 as any Encodable & Sendable }))
                """).all().map(Self.message(from:))
        }
        let order = Dictionary(uniqueKeysWithValues: ids.uniqued(by: { $0 }).enumerated().map { ($1, $0) })
        return found.sorted { (order[$0.id] ?? 0) < (order[$1.id] ?? 0) }
    }

    /// The mailbox of each of these messages (messages of other tenants, or without a mailbox,
    /// are left out): what a label action needs to know of its message.
    static func mailboxIDs(of ids: [UUID], companyID: UUID, on sql: any SQLDatabase) async throws -> [UUID: UUID] {
        var mailboxOf: [UUID: UUID] = [:]
        for chunk in ids.uniqued(by: { $0 }).chunked(into: lookupChunkSize) {
            let rows = try await sql.raw("""
                SELECT id, mailbox_id FROM inbound_messages
                WHERE company_id = \(bind: companyID) AND id IN (\(binds: chunk.map { $0 as any Encodable & Sendable })) AND mailbox_id IS NOT NULL
                """).all()
            for row in rows {
                mailboxOf[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "mailbox_id", as: UUID.self)
            }
        }
        return mailboxOf
    }

    /// Messages that have no verdict yet, oldest first: what a classify job that died left
    /// behind. ``queueUnclassified(companyID:storedBefore:limit:unlessLive:jobs:)`` queues them again.
    public func unclassified(companyID: UUID, limit: Int = 500) async throws -> [InboundMessage] {
        try await messages(try await Self.unclassifiedIDs(companyID: companyID, storedBefore: nil, limit: limit, on: persistence.sql),
                           companyID: companyID)
    }

    /// The ids of the tenant's messages without a verdict, oldest first; with `storedBefore`, only
    /// those stored before then. On the caller's connection, so a transaction can ask.
    static func unclassifiedIDs(companyID: UUID, storedBefore: Date?, limit: Int, on sql: any SQLDatabase) async throws -> [UUID] {
        var statement: SQLQueryString = """
            SELECT m.id AS id
            FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
            WHERE m.company_id = \(bind: companyID) AND c.id IS NULL
            """
        if let storedBefore {
            statement += " AND m.stored_at < \(bind: storedBefore)"
        }
        statement += " ORDER BY m.received_at, m.id LIMIT \(literal: max(1, limit))"
        return try await sql.raw(statement).all().map { try $0.decode(column: "id", as: UUID.self) }
    }

    // MARK: Pages

    /// A page of the inbox, newest first. Pass the previous page's `nextCursor` for the next.
    public func list(_ scope: TenantScope, filter: InboxFilter = InboxFilter(), after cursor: InboxCursor? = nil, limit: Int = 50) async throws -> InboxPage {
        let pageSize = min(max(limit, 1), 500)
        var conditions = Self.conditions(scope, filter)
        if let cursor {
            conditions.append("""
                (m.received_at < \(bind: cursor.receivedAt) OR (m.received_at = \(bind: cursor.receivedAt) AND m.id < \(bind: cursor.id)))
                """)
        }
        var statement: SQLQueryString = """
            SELECT \(Self.entryColumns)
            FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
            """
        Self.appendWhere(conditions, to: &statement)
        // One extra row says whether another page exists, without counting the whole inbox.
        statement += " ORDER BY m.received_at DESC, m.id DESC LIMIT \(literal: pageSize + 1)"
        let rows = try await persistence.sql.raw(statement).all()
        let entries = try rows.prefix(pageSize).map { try Self.entry(from: $0) }
        let next = rows.count > pageSize ? entries.last.map { InboxCursor(receivedAt: $0.message.receivedAt, id: $0.message.id) } : nil
        return InboxPage(entries: entries, nextCursor: next)
    }

    public func find(_ id: UUID, scope: TenantScope) async throws -> InboundMessage {
        let query = InboundMessageModel.query(on: persistence.database).filter(\.$id == id)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        guard let model = try await query.first() else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// The message card.
    public func detail(_ id: UUID, scope: TenantScope) async throws -> InboxMessageDetail {
        var statement: SQLQueryString = """
            SELECT \(Self.entryColumns)
            FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
            """
        var conditions: [SQLQueryString] = ["m.id = \(bind: id)"]
        if let company = scope.companyID { conditions.append("m.company_id = \(bind: company)") }
        Self.appendWhere(conditions, to: &statement)
        guard let row = try await persistence.sql.raw(statement).first() else { throw StorageError.notFound }
        let entry = try Self.entry(from: row)
        let actions = try await LabelActionModel.query(on: persistence.database)
            .filter(\.$messageID == id).filter(\.$companyID == entry.message.companyID)
            .sort(\.$createdAt).all().map { try $0.toDomain() }
        return InboxMessageDetail(entry: entry, labelActions: actions.sorted { ($0.createdAt, $0.kind.order) < ($1.createdAt, $1.kind.order) })
    }

    /// Messages per category for each of the `days` days up to `lastDay` (today when not
    /// given), that day included, the days cut at midnight in `timeZone`. The day of a message
    /// is decided in SQL by comparing with the day boundaries computed here, so no
    /// engine-specific date function is needed and daylight-saving days come out right.
    ///
    /// `filter` narrows the messages counted (mailbox, needs review, failed labels…) in the same
    /// one grouped statement; its `from` and `to` are ignored, the days are the period.
    public func dailyCategoryCounts(_ scope: TenantScope, companyID: UUID? = nil, filter: InboxFilter = InboxFilter(), days: Int = 30,
                                    through lastDay: Date? = nil, timeZone: TimeZone, now: Date? = nil) async throws -> InboxDailyCounts {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: lastDay ?? now ?? clock.now())
        let count = min(max(days, 1), 366)
        let starts = (0..<count).reversed().compactMap { calendar.date(byAdding: .day, value: -$0, to: today) }
        guard let first = starts.first, let end = calendar.date(byAdding: .day, value: 1, to: today) else {
            return InboxDailyCounts(days: [], series: [])
        }
        var bucket: SQLQueryString = "0"
        if starts.count > 1 {
            bucket = "CASE"
            for index in 1..<starts.count {
                bucket += " WHEN m.received_at < \(bind: starts[index]) THEN \(literal: index - 1)"
            }
            bucket += " ELSE \(literal: starts.count - 1) END"
        }
        var counted = filter
        counted.from = nil
        counted.to = nil
        if let companyID { counted.companyID = companyID }
        var conditions = Self.conditions(scope, counted)
        conditions.append("m.received_at >= \(bind: first)")
        conditions.append("m.received_at < \(bind: end)")
        var inner: SQLQueryString = """
            SELECT c.category_id AS category_id, \(bucket) AS day_index
            FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
            """
        Self.appendWhere(conditions, to: &inner)
        let rows = try await persistence.sql.raw("""
            SELECT category_id, day_index, COUNT(*) AS n FROM (\(inner)) t GROUP BY category_id, day_index
            """).all()
        var byCategory: [UUID?: [Int]] = [:]
        for row in rows {
            let category = try row.decode(column: "category_id", as: UUID?.self)
            let day = try row.decode(column: "day_index", as: Int.self)
            guard starts.indices.contains(day) else { continue }
            let messages = try row.decode(column: "n", as: Int.self)
            byCategory[category, default: Array(repeating: 0, count: starts.count)][day] += messages
        }
        let series = byCategory.map { CategoryDaySeries(categoryID: $0.key, counts: $0.value) }
            .sorted { ($1.total, $0.categoryID?.uuidString ?? "") < ($0.total, $1.categoryID?.uuidString ?? "") }
        return InboxDailyCounts(days: starts, series: series)
    }

    /// How many messages a filtered list holds, counting no further than `cap + 1`: an answer
    /// above `cap` means "more than `cap`", and a huge inbox is never counted to the end.
    public func countMatching(_ scope: TenantScope, filter: InboxFilter, cappedAt cap: Int) async throws -> Int {
        var matching: SQLQueryString = """
            SELECT m.id AS id
            FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
            """
        Self.appendWhere(Self.conditions(scope, filter), to: &matching)
        matching += " LIMIT \(literal: max(cap, 0) + 1)"
        let row = try await persistence.sql.raw("SELECT COUNT(*) AS n FROM (\(matching)) t").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Totals for the inbox badges.
    public func attentionCounts(_ scope: TenantScope, companyID: UUID? = nil) async throws -> InboxAttentionCounts {
        let conditions = Self.conditions(scope, InboxFilter(companyID: companyID))
        var totals: SQLQueryString = """
            SELECT COUNT(*) AS total,
                COUNT(CASE WHEN c.needs_review = \(bind: true) THEN 1 END) AS needs_review,
                COUNT(CASE WHEN c.id IS NULL THEN 1 END) AS unclassified
            FROM inbound_messages m LEFT JOIN message_classifications c ON c.message_id = m.id
            """
        Self.appendWhere(conditions, to: &totals)
        var failed: SQLQueryString = "SELECT COUNT(*) AS failed FROM inbound_messages m"
        Self.appendWhere(conditions + ["EXISTS (SELECT 1 FROM label_actions f WHERE f.message_id = m.id AND f.status = 'failed')"], to: &failed)
        guard let row = try await persistence.sql.raw(totals).first(), let failedRow = try await persistence.sql.raw(failed).first() else {
            return InboxAttentionCounts(total: 0, needsReview: 0, unclassified: 0, failedLabels: 0)
        }
        return InboxAttentionCounts(
            total: try row.decode(column: "total", as: Int.self),
            needsReview: try row.decode(column: "needs_review", as: Int.self),
            unclassified: try row.decode(column: "unclassified", as: Int.self),
            failedLabels: try failedRow.decode(column: "failed", as: Int.self))
    }

    // MARK: SQL pieces

    static func binds(_ message: InboundMessage) -> [any SQLExpression] {
        [
            SQLBind(message.id), SQLBind(message.companyID), SQLBind(message.mailboxID), SQLBind(message.providerItemID),
            SQLBind(message.messageID), SQLBind(JSONText.encode(message.inReplyTo)), SQLBind(JSONText.encode(message.references)),
            SQLBind(message.fromAddress), SQLBind(message.fromName), SQLBind(JSONText.encode(message.toAddresses)),
            SQLBind(message.subject), SQLBind(message.snippet),
            SQLBind(InboxSearch.searchText(fromName: message.fromName, fromAddress: message.fromAddress, subject: message.subject)),
            SQLBind(message.receivedAt), SQLBind(message.storedAt),
            // What the client card finds a client's messages by (see `M0034AddClientMailMatching`).
            SQLBind(ClientMailKeys.domain(ofAddress: message.fromAddress)),
        ]
    }

    /// The columns ``message(from:)`` reads, of the message as `m`.
    static let messageColumns: SQLQueryString = """
        m.id AS id, m.company_id AS company_id, m.mailbox_id AS mailbox_id, m.provider_item_id AS provider_item_id,
        m.message_id AS message_id, m.in_reply_to AS in_reply_to, m.reference_ids AS reference_ids,
        m.from_address AS from_address, m.from_name AS from_name, m.to_addresses AS to_addresses, m.subject AS subject,
        m.snippet AS snippet, m.received_at AS received_at, m.stored_at AS stored_at, m.moved_to_folder AS moved_to_folder,
        m.moved_item_id AS moved_item_id
        """

    /// The columns ``entry(from:)`` reads: the message as `m`, its verdict as `c`.
    static let entryColumns: SQLQueryString = messageColumns + """
        , c.category_id AS c_category_id, c.confidence AS c_confidence, c.reason AS c_reason, c.source AS c_source,
        c.needs_review AS c_needs_review, c.classified_at AS c_classified_at, c.corrected_by AS c_corrected_by,
        c.corrected_at AS c_corrected_at,
        (SELECT COUNT(*) FROM label_actions a WHERE a.message_id = m.id AND a.status = 'failed') AS failed_actions
        """

    static func message(from row: any SQLRow) throws -> InboundMessage {
        let movedTo = try row.decode(column: "moved_to_folder", as: String?.self).map { folder in
            MessageLocation(folder: folder, itemID: try row.decode(column: "moved_item_id", as: String?.self))
        }
        return InboundMessage(
            id: try row.decode(column: "id", as: UUID.self),
            companyID: try row.decode(column: "company_id", as: UUID.self),
            mailboxID: try row.decode(column: "mailbox_id", as: UUID?.self),
            providerItemID: try row.decode(column: "provider_item_id", as: String.self),
            messageID: try row.decode(column: "message_id", as: String?.self),
            inReplyTo: JSONText.strings(try row.decode(column: "in_reply_to", as: String.self)),
            references: JSONText.strings(try row.decode(column: "reference_ids", as: String.self)),
            fromAddress: try row.decode(column: "from_address", as: String.self),
            fromName: try row.decode(column: "from_name", as: String?.self),
            toAddresses: JSONText.strings(try row.decode(column: "to_addresses", as: String.self)),
            subject: try row.decode(column: "subject", as: String.self),
            snippet: try row.decode(column: "snippet", as: String.self),
            receivedAt: try row.decode(column: "received_at", as: Date.self),
            storedAt: try row.decode(column: "stored_at", as: Date.self),
            movedTo: movedTo)
    }

    static func entry(from row: any SQLRow) throws -> InboxEntry {
        let message = try message(from: row)
        let classification = try ClassificationRepository.verdict(
            of: message.id, companyID: message.companyID, from: row, prefix: "c_")
        return InboxEntry(message: message, classification: classification,
                          failedLabelActions: try row.decode(column: "failed_actions", as: Int.self))
    }

    /// The WHERE conditions of a scope and a filter, for queries over `inbound_messages m`
    /// left-joined with `message_classifications c`.
    static func conditions(_ scope: TenantScope, _ filter: InboxFilter) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if let company = scope.companyID { conditions.append("m.company_id = \(bind: company)") }
        if let company = filter.companyID { conditions.append("m.company_id = \(bind: company)") }
        if let mailbox = filter.mailboxID { conditions.append("m.mailbox_id = \(bind: mailbox)") }
        if let category = filter.categoryID { conditions.append("c.category_id = \(bind: category)") }
        if let from = filter.from { conditions.append("m.received_at >= \(bind: from)") }
        if let to = filter.to { conditions.append("m.received_at < \(bind: to)") }
        if filter.needsReview { conditions.append("c.needs_review = \(bind: true)") }
        if filter.unclassified { conditions.append("c.id IS NULL") }
        if filter.failedLabelActions {
            conditions.append("EXISTS (SELECT 1 FROM label_actions f WHERE f.message_id = m.id AND f.status = 'failed')")
        }
        if let search = filter.search, !search.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            conditions.append("m.search_text LIKE \(bind: InboxSearch.containsPattern(search)) ESCAPE '!'")
        }
        return conditions
    }

    static func appendWhere(_ conditions: [SQLQueryString], to statement: inout SQLQueryString) {
        guard !conditions.isEmpty else { return }
        statement += " WHERE "
        statement += conditions.joined(separator: " AND ")
    }
}

/// What ``InboundMessageRepository/updateProviderItemIDs(_:companyID:mailboxID:)`` changed.
public struct ProviderItemIDMoves: Sendable, Equatable {
    /// Stored messages that got their new provider item id.
    public var moved: Int
    /// Their `applyLabel` actions that were done and are pending again, to be written under the
    /// new id.
    public var labelsReapplied: Int

    public init(moved: Int = 0, labelsReapplied: Int = 0) {
        self.moved = moved
        self.labelsReapplied = labelsReapplied
    }
}
