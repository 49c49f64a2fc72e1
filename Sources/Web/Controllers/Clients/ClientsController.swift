import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// The tenant's clients: the list with its filters, order and pages, adding a client by INN
/// (looked up in the registries first, enriched at once when asked), the client card, moving a
/// client along the pipeline, and removing it. Everyone in the tenant reads; managers and up
/// change; owners and admins remove. Another tenant's client is a 404 before any role is looked at.
struct ClientsController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/clients", use: list)
        group.get("/clients/new", use: newForm)
        group.post("/clients", use: create)
        group.get("/clients/{id}", use: card)
        group.post("/clients/{id}/status", use: setStatus)
        group.post("/clients/status", use: setStatusMany)
        group.post("/clients/{id}/delete", use: delete)
    }

    /// The add form's INN field.
    static let innField = "inn"
    /// The add form's "enrich now" checkbox (ticked by default).
    static let enrichField = "enrich_now"
    /// The status form's comment: the reason when the client is lost.
    static let statusCommentField = "status_comment"

    struct NewClientView {
        let inn: String
        let enrichNow: Bool
        let errors: [String: String]
        let hasErrors: Bool
        /// The card of the client that already has this INN.
        let existingClientURL: String?
        let existingClientName: String?
    }

    // MARK: List and card

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member) = try context.require(client: .view)
        let place = ClientListing.Place(basePath: "/clients", canWork: ClientAccess.allows(member.role, .work), isConsole: false)
        let (view, hasErrors) = try await ClientListing(services: services).view(request, context, scope: .tenant(member), companyID: member.companyID, place: place)
        return services.renderer.page("clients", titleKey: "title_clients", content: view, request: request, context: context,
                                      status: hasErrors ? .unprocessableContent : .ok)
    }

    @Sendable func card(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member, client) = try await services.ownClient(context, .view)
        return try await ClientCard(services: services).page(request, context, client: client, member: member)
    }

    // MARK: Adding by INN

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(client: .work)
        return newPage(request, context, inn: "", enrichNow: true, errors: FieldErrors(), existing: nil, status: .ok)
    }

    /// Checks the INN's digits and looks the company up in the registries (a free look-up, not
    /// an enrichment: nothing is charged). A company no registry knows is a field error and
    /// nothing is stored; a found one is stored with its registry data; with no provider to
    /// ask (or none answering) the client is added by its INN alone, with a notice. Enrichment
    /// is queued only when "enrich now" is ticked.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member) = try context.require(client: .work)
        let typed = context.form[Self.innField]
        let enrichNow = context.form.has(Self.enrichField)
        var errors = FieldErrors()
        guard let number = FormRules.inn(typed, field: Self.innField, into: &errors) else {
            return newPage(request, context, inn: typed, enrichNow: enrichNow, errors: errors, existing: nil, status: .unprocessableContent)
        }
        // An INN already among the clients needs no look-up.
        if let existing = try await existingClient(inn: number.digits, member: member) {
            return newPage(request, context, inn: typed, enrichNow: enrichNow, errors: FieldErrors([Self.innField: "validation_client_exists"]),
                           existing: existing, status: .unprocessableContent)
        }
        let record: CompanyRecord
        let lookup: String
        switch try await services.companyLookup.find(number, companyID: member.companyID) {
        case .found(let found):
            record = found
            lookup = "found"
        case .notFound:
            return newPage(request, context, inn: typed, enrichNow: enrichNow, errors: FieldErrors([Self.innField: "validation_client_unknown_company"]),
                           existing: nil, status: .unprocessableContent)
        case .unchecked:
            record = CompanyRecord(inn: number.digits)
            lookup = "unchecked"
        }
        let client: Client
        do {
            client = try await services.clients.create(member, record: record, origin: .manual)
        } catch StorageError.alreadyExists {
            let existing = try await existingClient(inn: number.digits, member: member)
            return newPage(request, context, inn: typed, enrichNow: enrichNow, errors: FieldErrors([Self.innField: "validation_client_exists"]),
                           existing: existing, status: .unprocessableContent)
        }
        if enrichNow {
            try await ClientEnrichmentJob.enqueue(clientIDs: [client.id], companyID: member.companyID, clients: services.clients, queue: services.jobs)
        }
        await services.audit.record(kind: "client.created", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "inn": client.inn, "origin": client.origin.rawValue, "lookup": lookup,
            "enrich_now": enrichNow ? "yes" : "no",
        ])
        let flash = switch (lookup == "found", enrichNow) {
        case (true, true): "flash_client_added"
        case (true, false): "flash_client_added_not_enriched"
        case (false, true): "flash_client_added_unchecked"
        case (false, false): "flash_client_added_unchecked_not_enriched"
        }
        try await services.flash(context, .success, flash)
        return .seeOther("/clients/\(client.id.uuidString)")
    }

    // MARK: Changing

    /// Moves the client and records the move with its comment; "lost" needs a comment (the
    /// reason), and without one the card comes back with the error next to the field.
    @Sendable func setStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .work)
        guard let status = ClientStatus(rawValue: context.form["status"]) else {
            try await services.flash(context, .error, "flash_client_status_invalid")
            return .seeOther("/clients/\(client.id.uuidString)")
        }
        if status != client.status {
            let typed = context.form[Self.statusCommentField]
            var errors = FieldErrors()
            let comment = ClientStatusChange.comment(typed, to: status, field: Self.statusCommentField, into: &errors)
            guard errors.isEmpty else {
                let draft = ClientCard.StatusDraft(status: status, comment: typed, errors: errors)
                return try await ClientCard(services: services).page(request, context, client: client, member: member,
                                                                    editing: ClientCard.Editing(status: draft), status: .unprocessableContent)
            }
            _ = try await services.clients.setStatus(member, id: client.id, status: status, comment: comment)
            await services.audit.record(kind: "client.status_changed", identity: identity, context: context, details: [
                "client_id": client.id.uuidString, "from": client.status.rawValue, "to": status.rawValue, "comment": comment == nil ? "no" : "yes",
            ])
        }
        try await services.flash(context, .success, "flash_client_status_saved")
        return .seeOther("/clients/\(client.id.uuidString)")
    }

    /// The list's "change status" button: the ticked `ids` (the rows of one page, each checked
    /// to be the tenant's: another tenant's id is skipped unseen) move to `status` by the card's
    /// path and rules, one client at a time. Returns to the list with its filters (`filter`).
    @Sendable func setStatusMany(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member) = try context.require(client: .work)
        let back = ClientFilters(query: context.form["filter"]).url("/clients")
        guard let status = ClientStatus(rawValue: context.form["status"]) else {
            try await services.flash(context, .error, "flash_client_status_invalid")
            return .seeOther(back)
        }
        let picked = Array(Set(context.form.all("ids").compactMap(UUID.init(uuidString:))).prefix(ClientEnrichmentController.readPageSize))
        var selected = 0
        var changed = 0
        for id in picked {
            guard let client = try? await services.clients.find(id, scope: .tenant(member)) else { continue }
            selected += 1
            guard client.status != status else { continue }
            _ = try await services.clients.setStatus(member, id: client.id, status: status)
            changed += 1
        }
        guard selected > 0 else {
            try await services.flash(context, .error, "flash_clients_status_nothing")
            return .seeOther(back)
        }
        await services.audit.record(kind: "client.status_changed_bulk", identity: identity, context: context, details: [
            "count": String(changed), "selected": String(selected), "to": status.rawValue,
        ])
        let locale = context.visitor.locale
        try await services.flash(context, .success, "flash_clients_status_changed", values: [
            "count": ClientFormat.grouped(changed, locale), "selected": ClientFormat.grouped(selected, locale),
        ])
        return .seeOther(back)
    }

    /// Forgets the client with its notes. Charges already made stay on the usage page: they
    /// were real lookups.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, client) = try await services.ownClient(context, .delete)
        try await services.clients.delete(member, id: client.id)
        await services.audit.record(kind: "client.deleted", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "inn": client.inn,
        ])
        try await services.flash(context, .success, "flash_client_deleted")
        return .seeOther("/clients")
    }

    // MARK: Helpers

    /// The tenant's client with this INN, for the "already a client" link.
    private func existingClient(inn: String, member: TenantMember) async throws -> ClientSummary? {
        let page = try await services.clients.list(.tenant(member), ClientListQuery(text: inn, pageSize: 10))
        return page.clients.first { $0.inn == inn }
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, inn: String, enrichNow: Bool, errors: FieldErrors, existing: ClientSummary?,
                         status: HTTPResponse.Status) -> Response {
        let messages = services.renderer.localizer.messages(errors, context.visitor.locale)
        let view = NewClientView(inn: inn, enrichNow: enrichNow, errors: messages, hasErrors: !messages.isEmpty,
                                 existingClientURL: existing.map { "/clients/\($0.id.uuidString)" }, existingClientName: existing?.name)
        return services.renderer.page("client-new", titleKey: "title_client_new", content: view, request: request, context: context, status: status)
    }
}
