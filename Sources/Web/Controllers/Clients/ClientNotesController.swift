import Domain
import Foundation
import Hummingbird
import Storage

/// The tenant's private notes on a client: written by managers and up, removed by their author
/// or an owner or admin. Notes are the one kind of tenant data the platform may never read:
/// their repository takes a ``TenantMember``, so no console page can ask for them, and the note
/// field's text is kept out of the request audit trail (which the platform reads) by its name;
/// see ``AuditMiddleware``.
struct ClientNotesController {
    let services: WebServices

    /// The note's text. Named so the audit trail records its length only.
    static let bodyField = "note_body"

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/clients/{id}/notes", use: add)
        group.post("/clients/{id}/notes/{noteID}/delete", use: delete)
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        let typed = context.form[Self.bodyField]
        let body = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        if body.isEmpty {
            errors.add(Self.bodyField, "validation_required")
        } else if body.count > ClientNote.maximumLength {
            errors.add(Self.bodyField, "validation_note_too_long")
        }
        let note: ClientNote
        do {
            try errors.throwIfAny()
            note = try await services.clientNotes.add(member, clientID: client.id, body: body)
        } catch let refused as FieldErrors {
            // What was typed comes back; a refused note is never half-saved.
            var shown = FieldErrors()
            for key in refused.messages.values { shown.add(Self.bodyField, key) }
            return try await ClientCard(services: services).page(request, context, client: client, member: member, noteDraft: typed,
                                                                noteErrors: shown, status: .unprocessableContent)
        }
        await services.audit.record(kind: "client.note_added", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "note_id": note.id.uuidString, "length": String(note.body.count),
        ])
        try await services.flash(context, .success, "flash_client_note_added")
        return .seeOther("/clients/\(client.id.uuidString)#notes")
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        let noteID = try context.uuidParameter("noteID")
        // The note must be this client's: another client's note id is as unknown as a made-up one.
        guard let note = try await services.clientNotes.list(member, clientID: client.id).first(where: { $0.id == noteID }) else {
            throw HTTPError(.notFound)
        }
        guard note.authorID == member.userID || ClientAccess.allows(member.role, .delete) else { throw HTTPError(.forbidden) }
        try await services.clientNotes.delete(member, noteID: note.id)
        await services.audit.record(kind: "client.note_deleted", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "note_id": note.id.uuidString,
        ])
        try await services.flash(context, .success, "flash_client_note_deleted")
        return .seeOther("/clients/\(client.id.uuidString)#notes")
    }

}
