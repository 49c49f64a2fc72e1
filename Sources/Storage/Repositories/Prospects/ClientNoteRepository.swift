import Domain
import FluentKit
import Foundation
import SQLKit

/// A tenant's private notes on its clients: the one kind of tenant data the platform scope may
/// never read.
///
/// Every method takes a ``TenantMember`` and none a ``TenantScope``. The platform scope has no
/// member (`TenantScope.platform(…).member` is nil), so a `SUPER_ADMIN` cannot even form a call:
/// the refusal is a fact the compiler checks, not a runtime check someone could drop. Keep it
/// that way — an admin view of notes would be a new method taking a scope, and must not exist.
/// Every statement filters by the member's company; another tenant's client is not found.
public struct ClientNoteRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// The client's notes, newest first, each with its author's name (nil when the user is gone).
    /// Throws `notFound` for a client that is not the member's tenant's.
    public func list(_ member: TenantMember, clientID: UUID) async throws -> [ClientNote] {
        let sql = persistence.sql
        try await Self.requireClient(clientID, companyID: member.companyID, on: sql)
        let rows = try await sql.raw("""
            SELECT n.id AS id, n.client_id AS client_id, n.author_id AS author_id, u.full_name AS author_name, n.body AS body,
                n.created_at AS created_at
            FROM client_notes n LEFT JOIN users u ON u.id = n.author_id AND u.company_id = n.company_id
            WHERE n.company_id = \(bind: member.companyID) AND n.client_id = \(bind: clientID)
            ORDER BY n.created_at DESC, n.id DESC
            """).all()
        return try rows.map { row in
            ClientNote(
                id: try row.decode(column: "id", as: UUID.self),
                clientID: try row.decode(column: "client_id", as: UUID.self),
                authorID: try row.decode(column: "author_id", as: UUID.self),
                authorName: try row.decode(column: "author_name", as: String?.self),
                body: try row.decode(column: "body", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    /// Adds a note by the member. The body is trimmed; an empty one, or one longer than
    /// `ClientNote.maximumLength`, is refused with `FieldErrors` on `body` (never cut: a note
    /// that silently lost its end would say something else). Throws `notFound` for a client that
    /// is not the member's tenant's.
    public func add(_ member: TenantMember, clientID: UUID, body: String) async throws -> ClientNote {
        var errors = FieldErrors()
        let text = FormRules.requireText(body, field: "body", maxLength: ClientNote.maximumLength, into: &errors)
        try errors.throwIfAny()
        let db = persistence.database
        try await Self.requireClient(clientID, companyID: member.companyID, on: db.asSQL)
        let model = ClientNoteModel()
        model.id = UUID()
        model.companyID = member.companyID
        model.clientID = clientID
        model.authorID = member.userID
        model.body = text
        model.createdAt = clock.now()
        do {
            try await model.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The client was removed between the check and the insert.
            throw StorageError.notFound
        }
        let author = try await UserModel.query(on: db).filter(\.$id == member.userID).filter(\.$companyID == member.companyID).first()
        return ClientNote(
            id: try model.requireID(), clientID: clientID, authorID: member.userID, authorName: author?.fullName, body: text,
            createdAt: model.createdAt)
    }

    /// Removes a note. Throws `notFound` for a note that is not the member's tenant's.
    public func delete(_ member: TenantMember, noteID: UUID) async throws {
        let removed = try await persistence.sql.raw("""
            DELETE FROM client_notes WHERE id = \(bind: noteID) AND company_id = \(bind: member.companyID) RETURNING id
            """).all()
        guard !removed.isEmpty else { throw StorageError.notFound }
    }

    private static func requireClient(_ clientID: UUID, companyID: UUID, on sql: any SQLDatabase) async throws {
        let row = try await sql.raw("SELECT id FROM clients WHERE id = \(bind: clientID) AND company_id = \(bind: companyID)").first()
        guard row != nil else { throw StorageError.notFound }
    }
}
