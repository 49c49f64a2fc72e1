import Domain
import FluentKit
import Foundation
import SQLKit

/// The record of what is to be done, and was done, to messages in their mailboxes. The label
/// worker takes pending actions per mailbox, carries them out, and marks each done or failed.
public struct LabelActionRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    public static let defaultMaximumAttempts = 5
    static let maximumErrorLength = 2_000

    // MARK: Workers

    /// Records actions and returns the ones that were new. An action whose idempotency key
    /// (message, kind, label) exists already — pending, done or failed — is not recorded again,
    /// so planning the same message twice never applies anything twice. The mailbox comes from
    /// the message; messages of other tenants, or whose mailbox is gone, are skipped.
    @discardableResult
    public func enqueue(_ actions: [NewLabelAction], companyID: UUID) async throws -> [LabelAction] {
        let wanted = actions.filter { $0.kind == .markRead || !$0.label.isEmpty }.uniqued(by: \.idempotencyKey)
        guard !wanted.isEmpty else { return [] }
        let now = clock.now()
        let db = persistence.database
        let mailboxOf = try await InboundMessageRepository.mailboxIDs(of: wanted.map(\.messageID), companyID: companyID, on: db.asSQL)
        let rows: [LabelAction] = wanted.compactMap { action in
            guard let mailbox = mailboxOf[action.messageID] else { return nil }
            return LabelAction(
                id: UUID(), companyID: companyID, messageID: action.messageID, mailboxID: mailbox, kind: action.kind, label: action.label,
                status: .pending, attempts: 0, lastError: nil, createdAt: now, updatedAt: now, doneAt: nil)
        }
        var created: [LabelAction] = []
        for chunk in rows.chunked(into: 50) {
            let insert = db.asSQL.insert(into: LabelActionModel.schema)
                .columns("id", "company_id", "message_id", "mailbox_id", "kind", "label", "status", "attempts", "last_error", "created_at", "updated_at", "done_at")
            for row in chunk {
                insert.values([
                    SQLBind(row.id), SQLBind(row.companyID), SQLBind(row.messageID), SQLBind(row.mailboxID), SQLBind(row.kind.rawValue),
                    SQLBind(row.label), SQLBind(row.status.rawValue), SQLBind(row.attempts), SQLLiteral.null, SQLBind(row.createdAt),
                    SQLBind(row.updatedAt), SQLLiteral.null,
                ] as [any SQLExpression])
            }
            let ids = Set(try await insert.ignoringConflicts().returning("id").all().map { try $0.decode(column: "id", as: UUID.self) })
            created += chunk.filter { ids.contains($0.id) }
        }
        return created
    }

    /// Pending actions of one mailbox, oldest first; within a message labels and flags come
    /// before the move (the kinds' stored names sort that way: apply_label < mark_read < move).
    ///
    /// Plain rows rather than Fluent models (which find their fields by reflection for every
    /// row): a label job reads 500 at a time, and a big import reads every message's actions.
    public func pending(mailboxID: UUID, companyID: UUID, limit: Int = 200) async throws -> [LabelAction] {
        let rows = try await persistence.sql.raw("""
            SELECT id, company_id, message_id, mailbox_id, kind, label, status, attempts, last_error, created_at, updated_at, done_at
            FROM label_actions
            WHERE company_id = \(bind: companyID) AND mailbox_id = \(bind: mailboxID) AND status = \(bind: LabelActionStatus.pending.rawValue)
            ORDER BY created_at, message_id, kind
            LIMIT \(literal: max(1, limit))
            """).all()
        return try rows.map(Self.action(from:))
    }

    static func action(from row: any SQLRow) throws -> LabelAction {
        let kind = try row.decode(column: "kind", as: String.self)
        let status = try row.decode(column: "status", as: String.self)
        guard let actionKind = LabelActionKind(rawValue: kind) else { throw StorageError.corruptRow("label_actions.kind") }
        guard let actionStatus = LabelActionStatus(rawValue: status) else { throw StorageError.corruptRow("label_actions.status") }
        return LabelAction(
            id: try row.decode(column: "id", as: UUID.self), companyID: try row.decode(column: "company_id", as: UUID.self),
            messageID: try row.decode(column: "message_id", as: UUID.self), mailboxID: try row.decode(column: "mailbox_id", as: UUID?.self),
            kind: actionKind, label: try row.decode(column: "label", as: String.self), status: actionStatus,
            attempts: try row.decode(column: "attempts", as: Int.self), lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self),
            doneAt: try row.decode(column: "done_at", as: Date?.self))
    }

    /// Mailboxes of the tenant with pending actions, for the label scheduler.
    public func mailboxesWithPendingActions(companyID: UUID) async throws -> [UUID] {
        let rows = try await persistence.sql.raw("""
            SELECT DISTINCT mailbox_id FROM label_actions
            WHERE company_id = \(bind: companyID) AND status = 'pending' AND mailbox_id IS NOT NULL
            """).all()
        return try rows.map { try $0.decode(column: "mailbox_id", as: UUID.self) }
    }

    public func markDone(_ ids: [UUID], companyID: UUID) async throws {
        let now = clock.now()
        for chunk in ids.uniqued(by: { $0 }).chunked(into: 500) {
            try await LabelActionModel.query(on: persistence.database)
                .filter(\.$companyID == companyID).filter(\.$id ~~ Array(chunk))
                .filter(\.$status != LabelActionStatus.done.rawValue)
                .set(\.$status, to: LabelActionStatus.done.rawValue)
                .set(\.$lastError, to: nil)
                .set(\.$doneAt, to: now)
                .set(\.$updatedAt, to: now)
                .update()
        }
    }

    /// Records a failed attempt with its reason (plain words, shown on the message card). The
    /// action stays pending for another try until `maximumAttempts`, then it is `failed`.
    @discardableResult
    public func markFailed(_ id: UUID, companyID: UUID, error: String, maximumAttempts: Int = LabelActionRepository.defaultMaximumAttempts) async throws -> LabelAction {
        let db = persistence.database
        guard let model = try await LabelActionModel.query(on: db).filter(\.$id == id).filter(\.$companyID == companyID).first() else {
            throw StorageError.notFound
        }
        guard model.status == LabelActionStatus.pending.rawValue else { return try model.toDomain() }
        model.attempts += 1
        model.lastError = String(error.prefix(Self.maximumErrorLength))
        if model.attempts >= maximumAttempts { model.status = LabelActionStatus.failed.rawValue }
        model.updatedAt = clock.now()
        try await model.save(on: db)
        return try model.toDomain()
    }

    // MARK: Pages

    /// Everything recorded for a message, in the order it is carried out.
    public func actions(forMessage messageID: UUID, scope: TenantScope) async throws -> [LabelAction] {
        let query = LabelActionModel.query(on: persistence.database).filter(\.$messageID == messageID)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        return try await query.sort(\.$createdAt).sort(\.$kind).all().map { try $0.toDomain() }
    }

    /// A person asks to try a message's failed actions again: a fresh set of attempts.
    public func retryFailed(_ member: TenantMember, messageID: UUID) async throws {
        let db = persistence.database
        guard try await InboundMessageModel.query(on: db).filter(\.$id == messageID).filter(\.$companyID == member.companyID).first() != nil else {
            throw StorageError.notFound
        }
        try await LabelActionModel.query(on: db)
            .filter(\.$companyID == member.companyID).filter(\.$messageID == messageID)
            .filter(\.$status == LabelActionStatus.failed.rawValue)
            .filter(\.$mailboxID != nil)
            .set(\.$status, to: LabelActionStatus.pending.rawValue)
            .set(\.$attempts, to: 0)
            .set(\.$updatedAt, to: clock.now())
            .update()
    }
}
