import Domain
import Foundation
import Hummingbird
import Storage

/// Contacts and decision makers typed in on the client card: added, corrected and removed by
/// managers and up (viewers read only), each saved value `manual` with the name of who typed it
/// and checked by the rules enrichment applies (`ContactForm`). A refused value comes back next
/// to its field. Also the card's small enrichment-state document, which `app.js` polls while
/// the client waits, to reload the card when the enrichment is over.
struct ClientContactsController {
    let services: WebServices

    /// `email` or `phone`.
    static let kindField = "kind"
    /// The new value of an e-mail address or phone.
    static let valueField = "value"
    /// The value (or the person's name) a correction or removal is about; empty when adding.
    static let originalField = "original"
    static let personFields = ContactForm.PersonFields(fullName: "dm_full_name", position: "dm_position", inn: "dm_inn", email: "dm_email",
                                                       phone: "dm_phone")

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/clients/{id}/contacts", use: saveContact)
        group.post("/clients/{id}/contacts/delete", use: removeContact)
        group.post("/clients/{id}/decision-makers", use: saveDecisionMaker)
        group.post("/clients/{id}/decision-makers/delete", use: removeDecisionMaker)
        group.get("/clients/{id}/enrichment.json", use: enrichmentState)
    }

    // MARK: E-mail addresses and phones

    @Sendable func saveContact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        guard let kind = ContactKind(rawValue: context.form[Self.kindField]) else { throw HTTPError(.badRequest) }
        let typed = context.form[Self.valueField]
        let original = Self.optional(context.form[Self.originalField])
        var errors = FieldErrors()
        if let value = ContactForm.contact(kind, typed, field: Self.valueField, into: &errors) {
            let entry = Sourced(value, source: .manual, fetchedAt: Date(), enteredBy: identity.user.fullName)
            do {
                _ = try await services.clients.updateContacts(member, id: client.id) { contacts in
                    var changed = contacts
                    try changed.save(kind, entry, replacing: original)
                    return changed
                }
            } catch ContactEditError.duplicate {
                errors.add(Self.valueField, "validation_contact_exists")
            } catch ContactEditError.notFound {
                throw HTTPError(.notFound)
            }
        }
        if !errors.isEmpty {
            let draft = ClientCard.ContactDraft(kind: kind, original: original, value: typed, errorKey: errors[Self.valueField])
            return try await ClientCard(services: services).page(request, context, client: client, member: member,
                                                                editing: ClientCard.Editing(contact: draft), status: .unprocessableContent)
        }
        await services.audit.record(kind: "client.contact_saved", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "kind": kind.rawValue, "action": original == nil ? "added" : "corrected",
        ])
        try await services.flash(context, .success, "flash_client_contact_saved")
        return .seeOther("/clients/\(client.id.uuidString)#contacts")
    }

    @Sendable func removeContact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        guard let kind = ContactKind(rawValue: context.form[Self.kindField]) else { throw HTTPError(.badRequest) }
        let original = context.form[Self.originalField]
        do {
            _ = try await services.clients.updateContacts(member, id: client.id) { contacts in
                var changed = contacts
                try changed.remove(kind, original)
                return changed
            }
        } catch ContactEditError.notFound {
            throw HTTPError(.notFound)
        }
        await services.audit.record(kind: "client.contact_removed", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "kind": kind.rawValue,
        ])
        try await services.flash(context, .success, "flash_client_contact_removed")
        return .seeOther("/clients/\(client.id.uuidString)#contacts")
    }

    // MARK: Decision makers

    @Sendable func saveDecisionMaker(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        let fields = Self.personFields
        let form = context.form
        let original = Self.optional(form[Self.originalField])
        var errors = FieldErrors()
        let typed = ContactForm.decisionMaker(
            fullName: form[fields.fullName], position: form[fields.position], inn: form[fields.inn], email: form[fields.email],
            phone: form[fields.phone], fields: fields, enteredBy: identity.user.fullName, now: Date(), into: &errors)
        if let typed {
            do {
                _ = try await services.clients.updateContacts(member, id: client.id) { contacts in
                    var changed = contacts
                    var person = typed
                    // A correction keeps what the form does not show: the birth date.
                    if let original, let old = contacts.decisionMakers.first(where: { $0.fullName.lowercased() == original.lowercased() }) {
                        person.birthDate = old.birthDate
                    }
                    try changed.save(person, replacing: original)
                    return changed
                }
            } catch ContactEditError.duplicate {
                errors.add(fields.fullName, "validation_decision_maker_exists")
            } catch ContactEditError.notFound {
                throw HTTPError(.notFound)
            }
        }
        if !errors.isEmpty {
            let values = [fields.fullName, fields.position, fields.inn, fields.email, fields.phone].map { ($0, form[$0]) }
            let draft = ClientCard.PersonDraft(original: original, values: Dictionary(uniqueKeysWithValues: values), errors: errors)
            return try await ClientCard(services: services).page(request, context, client: client, member: member,
                                                                editing: ClientCard.Editing(person: draft), status: .unprocessableContent)
        }
        await services.audit.record(kind: "client.decision_maker_saved", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "action": original == nil ? "added" : "corrected",
        ])
        try await services.flash(context, .success, "flash_client_decision_maker_saved")
        return .seeOther("/clients/\(client.id.uuidString)#people")
    }

    @Sendable func removeDecisionMaker(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        let original = context.form[Self.originalField]
        do {
            _ = try await services.clients.updateContacts(member, id: client.id) { contacts in
                var changed = contacts
                try changed.removeDecisionMaker(named: original)
                return changed
            }
        } catch ContactEditError.notFound {
            throw HTTPError(.notFound)
        }
        await services.audit.record(kind: "client.decision_maker_removed", identity: identity, context: context, details: [
            "client_id": client.id.uuidString,
        ])
        try await services.flash(context, .success, "flash_client_decision_maker_removed")
        return .seeOther("/clients/\(client.id.uuidString)#people")
    }

    // MARK: Enrichment state

    struct EnrichmentStateView: Encodable {
        /// An ``EnrichmentState`` raw value.
        let enrichment: String
        let pending: Bool
    }

    /// The client's enrichment state: the card reloads when it is no longer the one it showed.
    @Sendable func enrichmentState(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, client) = try await services.ownClient(context, .view)
        let view = EnrichmentStateView(enrichment: client.enrichment.rawValue, pending: client.enrichment == .pending)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(view), as: UTF8.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: Helpers

    /// Trimmed text, nil when empty.
    static func optional(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
