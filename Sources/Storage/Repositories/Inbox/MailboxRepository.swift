import Domain
import FluentKit
import Foundation
import SQLKit

/// Connected mailboxes and their sealed passwords.
///
/// Three kinds of caller, three kinds of method: pages read with a ``TenantScope`` (the platform
/// scope reads every tenant), pages change things with a ``TenantMember`` (so the platform scope
/// cannot even ask), and the sync worker, which acts for the tenant named in its job, passes
/// that `companyID` explicitly. Every query filters by company either way.
public struct MailboxRepository: Sendable {
    let persistence: Persistence
    let secretBox: SecretBox
    let clock: any StorageClock

    public init(persistence: Persistence, secretBox: SecretBox, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.secretBox = secretBox
        self.clock = clock
    }

    /// The longest error text kept for the UI.
    static let maximumErrorLength = 2_000

    // MARK: Pages

    /// Adds a mailbox with its password sealed under the current master key. Pass a draft that
    /// went through `MailboxDraft.validated()`. Throws `alreadyExists` for an address the tenant
    /// has connected already.
    public func create(_ member: TenantMember, _ draft: MailboxDraft, secret: String) async throws -> Mailbox {
        let now = clock.now()
        let model = MailboxModel()
        model.id = UUID()
        model.companyID = member.companyID
        model.apply(draft)
        model.secretSealed = try secretBox.seal(secret)
        model.status = MailboxSyncStatus.new.rawValue
        model.messagesStored = 0
        model.createdAt = now
        model.updatedAt = now
        do {
            try await model.create(on: persistence.database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.alreadyExists
        }
        return try model.toDomain()
    }

    /// The tenant's mailboxes by name; the platform scope lists one company's (or, without
    /// `companyID`, everyone's).
    public func list(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [Mailbox] {
        let query = MailboxModel.query(on: persistence.database)
        if let own = scope.companyID { query.filter(\.$companyID == own) }
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.sort(\.$displayName).sort(\.$createdAt).all().map { try $0.toDomain() }
    }

    public func find(_ id: UUID, scope: TenantScope) async throws -> Mailbox {
        guard let model = try await scopedModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Changes the settings; the stored password stays unless `newSecret` is given. A change of
    /// server, login or address forgets the sync checkpoint (it belonged to another mailbox) and
    /// sets the status back to `new`; deduplication keeps the fresh import from storing anything twice.
    public func update(_ member: TenantMember, id: UUID, _ draft: MailboxDraft, newSecret: String?) async throws -> Mailbox {
        let sealed = try newSecret.map { try secretBox.seal($0) }
        let now = clock.now()
        do {
            return try await persistence.database.transaction { db in
                guard let model = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
                let before = try model.toDomain()
                model.apply(draft)
                if let sealed { model.secretSealed = sealed }
                let pointsElsewhere = before.connection != draft.connection || before.username != draft.username || before.address != draft.address
                if pointsElsewhere {
                    try await MailboxCheckpointModel.query(on: db).filter(\.$mailboxID == id).filter(\.$companyID == member.companyID).delete()
                    if before.status != .paused { model.status = MailboxSyncStatus.new.rawValue }
                }
                if sealed != nil || pointsElsewhere { model.lastError = nil }
                model.updatedAt = now
                try await model.save(on: db)
                return try model.toDomain()
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.alreadyExists
        }
    }

    /// Stops syncing until ``resume(_:id:)``. The worker never lifts a pause.
    public func pause(_ member: TenantMember, id: UUID) async throws -> Mailbox {
        try await mutate(id, member) { $0.status = MailboxSyncStatus.paused.rawValue }
    }

    public func resume(_ member: TenantMember, id: UUID) async throws -> Mailbox {
        try await mutate(id, member) { model in
            guard model.status == MailboxSyncStatus.paused.rawValue else { return }
            model.status = (model.lastSyncAt == nil ? MailboxSyncStatus.new : MailboxSyncStatus.connected).rawValue
            model.lastError = nil
        }
    }

    /// Removes the mailbox and its checkpoint. With `keepMessages` its messages stay in the inbox
    /// (without a mailbox) and their history of label actions stays readable; pending actions are
    /// dropped, since nothing can carry them out any more. Without it the messages, their verdicts
    /// and actions go too; corrections made on them stay as training examples.
    public func delete(_ member: TenantMember, id: UUID, keepMessages: Bool) async throws {
        let company = member.companyID
        try await persistence.database.transaction { db in
            guard try await scopedModel(id, companyID: company, on: db) != nil else { throw StorageError.notFound }
            let sql = db.asSQL
            try await sql.raw("DELETE FROM label_actions WHERE company_id = \(bind: company) AND mailbox_id = \(bind: id) AND status = 'pending'").run()
            if keepMessages {
                try await sql.raw("UPDATE label_actions SET mailbox_id = NULL WHERE company_id = \(bind: company) AND mailbox_id = \(bind: id)").run()
                try await sql.raw("UPDATE inbound_messages SET mailbox_id = NULL WHERE company_id = \(bind: company) AND mailbox_id = \(bind: id)").run()
            } else {
                let ofMailbox: SQLQueryString = "SELECT id FROM inbound_messages WHERE company_id = \(bind: company) AND mailbox_id = \(bind: id)"
                try await sql.raw("DELETE FROM label_actions WHERE company_id = \(bind: company) AND message_id IN (\(ofMailbox))").run()
                try await sql.raw("DELETE FROM message_classifications WHERE company_id = \(bind: company) AND message_id IN (\(ofMailbox))").run()
                try await sql.raw("UPDATE classification_corrections SET message_id = NULL WHERE company_id = \(bind: company) AND message_id IN (\(ofMailbox))").run()
                try await sql.raw("DELETE FROM inbound_messages WHERE company_id = \(bind: company) AND mailbox_id = \(bind: id)").run()
            }
            try await MailboxCheckpointModel.query(on: db).filter(\.$mailboxID == id).filter(\.$companyID == company).delete()
            try await MailboxModel.query(on: db).filter(\.$id == id).filter(\.$companyID == company).delete()
        }
    }

    // MARK: Sync worker

    /// Every mailbox the sync service should hold open, across tenants (not paused).
    public func listForSync() async throws -> [Mailbox] {
        try await MailboxModel.query(on: persistence.database)
            .filter(\.$status != MailboxSyncStatus.paused.rawValue)
            .sort(\.$createdAt).all().map { try $0.toDomain() }
    }

    /// A mailbox of the tenant the worker's job belongs to.
    public func find(_ id: UUID, companyID: UUID) async throws -> Mailbox {
        guard let model = try await scopedModel(id, companyID: companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// The mailbox's login with the password in plain text, for the sync worker to connect with.
    ///
    /// Only workers call this, and the value goes to the connector and nowhere else: never into a
    /// log line, an error message, a job payload or a page. A value sealed under an older master
    /// key is re-sealed under the current one on the way.
    public func credentials(for mailbox: Mailbox) async throws -> MailboxCredentials {
        let db = persistence.database
        guard let model = try await scopedModel(mailbox.id, companyID: mailbox.companyID, on: db) else { throw StorageError.notFound }
        let secret = try secretBox.open(model.secretSealed)
        if secretBox.needsRotation(model.secretSealed) {
            let resealed = try secretBox.seal(secret)
            try await MailboxModel.query(on: db).filter(\.$id == mailbox.id).filter(\.$companyID == mailbox.companyID)
                .set(\.$secretSealed, to: resealed).update()
        }
        return MailboxCredentials(username: model.username, secret: secret)
    }

    /// A sync has started. Does nothing to a paused mailbox.
    public func markSyncing(_ id: UUID, companyID: UUID) async throws {
        try await workerUpdate(id, companyID: companyID) { $0.set(\.$status, to: MailboxSyncStatus.syncing.rawValue) }
    }

    /// A sync finished: connected, the error cleared. Does nothing to a paused mailbox.
    public func markSynced(_ id: UUID, companyID: UUID, at time: Date? = nil) async throws {
        let at = time ?? clock.now()
        try await workerUpdate(id, companyID: companyID) {
            $0.set(\.$status, to: MailboxSyncStatus.connected.rawValue).set(\.$lastSyncAt, to: at).set(\.$lastError, to: nil)
        }
    }

    /// A sync or connection failed; `error` is shown to the user, so it must be plain words and
    /// never contain the password. Does nothing to a paused mailbox.
    public func markFailed(_ id: UUID, companyID: UUID, error: String) async throws {
        let text = String(error.prefix(Self.maximumErrorLength))
        try await workerUpdate(id, companyID: companyID) {
            $0.set(\.$status, to: MailboxSyncStatus.error.rawValue).set(\.$lastError, to: text)
        }
    }

    /// The stored checkpoint, or `nil` before the first sync (import the last `importWindowDays`).
    public func loadCheckpoint(mailboxID: UUID, companyID: UUID) async throws -> MailboxCheckpointRecord? {
        guard let model = try await MailboxCheckpointModel.query(on: persistence.database)
            .filter(\.$mailboxID == mailboxID).filter(\.$companyID == companyID).first() else { return nil }
        return MailboxCheckpointRecord(mailboxID: model.mailboxID, json: model.checkpoint, updatedAt: model.updatedAt)
    }

    /// Saves the checkpoint. Store the batch's messages first (or together, through
    /// `InboundMessageRepository.store(_:companyID:mailboxID:checkpoint:)`), so a crash in between
    /// fetches them again rather than skipping them.
    public func saveCheckpoint(mailboxID: UUID, companyID: UUID, json: String) async throws {
        let now = clock.now()
        try await persistence.database.transaction { db in
            guard try await scopedModel(mailboxID, companyID: companyID, on: db) != nil else { throw StorageError.notFound }
            try await Self.upsertCheckpoint(mailboxID: mailboxID, companyID: companyID, json: json, now: now, on: db.asSQL)
        }
    }

    // MARK: Helpers

    static func upsertCheckpoint(mailboxID: UUID, companyID: UUID, json: String, now: Date, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: MailboxCheckpointModel.schema)
            .columns("id", "company_id", "mailbox_id", "checkpoint", "updated_at")
            .values([SQLBind(UUID()), SQLBind(companyID), SQLBind(mailboxID), SQLBind(json), SQLBind(now)] as [any SQLExpression])
            .onConflict(with: ["mailbox_id"]) { $0.set(excludedValueOf: "checkpoint").set(excludedValueOf: "updated_at") }
            .run()
    }

    private func scopedModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> MailboxModel? {
        let query = MailboxModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }

    private func mutate(_ id: UUID, _ member: TenantMember, _ change: @Sendable (MailboxModel) -> Void) async throws -> Mailbox {
        let db = persistence.database
        guard let model = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
        change(model)
        model.updatedAt = clock.now()
        try await model.save(on: db)
        return try model.toDomain()
    }

    /// One conditional UPDATE, so a pause the user set while a sync ran is never overwritten.
    private func workerUpdate(
        _ id: UUID, companyID: UUID, _ change: (QueryBuilder<MailboxModel>) -> QueryBuilder<MailboxModel>
    ) async throws {
        let query = MailboxModel.query(on: persistence.database)
            .filter(\.$id == id).filter(\.$companyID == companyID)
            .filter(\.$status != MailboxSyncStatus.paused.rawValue)
            .set(\.$updatedAt, to: clock.now())
        try await change(query).update()
    }
}
