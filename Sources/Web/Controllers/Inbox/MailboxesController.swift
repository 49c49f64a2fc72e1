import Domain
import Foundation
import Hummingbird
import Storage

/// The company's connected mailboxes: add one (Gmail with an app password, any IMAP/SMTP server,
/// Exchange) after testing the connection, change its settings, pause and resume it, remove it.
/// Owners and admins only: mailbox passwords pass through these forms. A stored password is
/// never put into a page, not even as a placeholder.
struct MailboxesController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/mailboxes", use: list)
        group.get("/mailboxes/new", use: newForm)
        group.post("/mailboxes", use: create)
        group.post("/mailboxes/test", use: testNew)
        group.get("/mailboxes/{id}/edit", use: editForm)
        group.post("/mailboxes/{id}", use: update)
        group.post("/mailboxes/{id}/test", use: testExisting)
        group.post("/mailboxes/{id}/sync", use: syncNow)
        group.post("/mailboxes/{id}/pause", use: pause)
        group.post("/mailboxes/{id}/resume", use: resume)
        group.get("/mailboxes/{id}/remove", use: confirmRemoval)
        group.post("/mailboxes/{id}/remove", use: remove)
    }

    // MARK: Views

    struct MailboxRow {
        let id: String
        let displayName: String
        let address: String
        let kindLabel: String
        /// The raw status, for the badge's class and the live updates.
        let status: String
        let statusLabel: String
        let lastError: String?
        /// The server's own words under `lastError`, when it said any.
        let lastErrorDetail: String?
        let lastSync: String?
        let messagesStored: Int
        let isPaused: Bool
    }

    struct ListView {
        let mailboxes: [MailboxRow]
        let hasMailboxes: Bool
    }

    struct Fact {
        let label: String
        let value: String
    }

    /// The result of "test connection" in plain words.
    struct CheckView {
        let succeeded: Bool
        let sentence: String
        /// Which server answered so, when it failed.
        let service: String?
        let facts: [Fact]
        let hasFacts: Bool
        /// The technical line, for whoever runs the mail server.
        let detail: String?
    }

    struct FormView {
        let isNew: Bool
        let kind: String
        let kindLabel: String
        let isGmail: Bool
        let isIMAP: Bool
        let isExchange: Bool
        let showsDisplayName: Bool
        let action: String
        let testAction: String
        let form: MailboxForm
        let errors: [String: String]
        /// Every message once, at the top of the form, for a field the form may not show.
        let errorSummary: [String]
        let hasErrors: Bool
        let imapTLSOptions: [InboxViews.Option]
        let smtpTLSOptions: [InboxViews.Option]
        let authOptions: [InboxViews.Option]
        let check: CheckView?
    }

    struct RemovalView {
        let mailboxID: String
        let displayName: String
        let address: String
        let messagesStored: Int
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.manageMailboxes)
        let member = try context.member()
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let rows = try await services.mailboxes.list(.tenant(member)).map { (mailbox: Mailbox) -> MailboxRow in
            let problem = InboxViews.lastError(mailbox, localizer: services.renderer.localizer, locale: locale)
            return MailboxRow(
                id: mailbox.id.uuidString, displayName: mailbox.displayName, address: mailbox.address.value,
                kindLabel: InboxViews.kindLabel(mailbox.kind, text), status: mailbox.status.rawValue,
                statusLabel: InboxViews.statusLabel(mailbox.status, text),
                lastError: problem?.sentence,
                lastErrorDetail: problem?.detail,
                lastSync: mailbox.lastSyncAt.map { DisplayFormat.dateTime($0, locale) },
                messagesStored: mailbox.messagesStored, isPaused: mailbox.status == .paused)
        }
        let view = ListView(mailboxes: rows, hasMailboxes: !rows.isEmpty)
        return services.renderer.page("mailboxes", titleKey: "title_mailboxes", content: view, request: request, context: context)
    }

    // MARK: Adding

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.manageMailboxes)
        _ = try context.member()
        guard let kind = MailboxKind(rawValue: String(request.uri.queryParameters["kind"] ?? "")) else {
            return .seeOther("/mailboxes#add")
        }
        return formPage(request, context, kind: kind, mailboxID: nil, form: MailboxForm(), errors: FieldErrors(), check: nil, status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageMailboxes)
        let member = try context.member()
        let kind = try postedKind(context)
        let form = MailboxForm(context.form)
        let typed = context.form[MailboxForm.passwordField]
        var errors = FieldErrors()
        var parsed: MailboxDraft?
        switch form.draft(kind: kind) {
        case .success(let valid): parsed = valid
        case .failure(let invalid): errors = invalid
        }
        if Self.isBlank(typed) { errors.add(MailboxForm.passwordField, "validation_required") }
        guard errors.isEmpty, let draft = parsed else {
            return formPage(request, context, kind: kind, mailboxID: nil, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        let mailbox: Mailbox
        do {
            mailbox = try await services.mailboxes.create(member, draft, secret: MailboxForm.secret(typed, kind: kind))
        } catch StorageError.alreadyExists {
            return formPage(request, context, kind: kind, mailboxID: nil, form: form, errors: FieldErrors(["address": "validation_mailbox_exists"]),
                            check: nil, status: .unprocessableContent)
        }
        try await PipelineJobs.startSync(services.jobs, mailbox: mailbox, every: services.syncInterval)
        await services.audit.record(kind: "mailbox.created", identity: identity, context: context, details: [
            "mailbox_id": mailbox.id.uuidString, "kind": mailbox.kind.rawValue, "address": mailbox.address.value,
        ])
        try await services.flash(context, .success, "flash_mailbox_added")
        return .seeOther("/mailboxes")
    }

    /// "Test connection" on the add form: the same page again with the answer, what was typed
    /// kept, the password not.
    @Sendable func testNew(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.manageMailboxes)
        _ = try context.member()
        let kind = try postedKind(context)
        let form = MailboxForm(context.form)
        let typed = context.form[MailboxForm.passwordField]
        switch form.draft(kind: kind) {
        case .failure(var errors):
            if Self.isBlank(typed) { errors.add(MailboxForm.passwordField, "validation_required") }
            return formPage(request, context, kind: kind, mailboxID: nil, form: form, errors: errors, check: nil, status: .unprocessableContent)
        case .success(let draft):
            guard !Self.isBlank(typed) else {
                return formPage(request, context, kind: kind, mailboxID: nil, form: form, errors: FieldErrors([MailboxForm.passwordField: "validation_required"]),
                                check: nil, status: .unprocessableContent)
            }
            let check = await services.connectionTester.test(draft, secret: MailboxForm.secret(typed, kind: kind))
            await recordTest(check, draft: draft, mailboxID: nil, identity: identity, context: context)
            return formPage(request, context, kind: kind, mailboxID: nil, form: form, errors: FieldErrors(), check: check, status: .ok)
        }
    }

    // MARK: Changing

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, mailbox) = try await ownMailbox(context)
        return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: MailboxForm(mailbox), errors: FieldErrors(), check: nil, status: .ok)
    }

    /// Saves new settings. An empty password keeps the stored one, except when the settings now
    /// point at another server or login: the stored password goes only where it went before,
    /// so nobody can have it sent to a server of their choosing.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, mailbox) = try await ownMailbox(context)
        let form = MailboxForm(context.form, base: MailboxForm(mailbox))
        let typed = context.form[MailboxForm.passwordField]
        let draft: MailboxDraft
        switch form.draft(kind: mailbox.kind) {
        case .success(let valid): draft = valid
        case .failure(let errors):
            return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        if Self.isBlank(typed), Self.pointsElsewhere(draft, mailbox) {
            return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: form,
                            errors: FieldErrors([MailboxForm.passwordField: "validation_password_for_new_server"]), check: nil, status: .unprocessableContent)
        }
        let updated: Mailbox
        do {
            updated = try await services.mailboxes.update(member, id: mailbox.id, draft,
                                                          newSecret: Self.isBlank(typed) ? nil : MailboxForm.secret(typed, kind: mailbox.kind))
        } catch StorageError.alreadyExists {
            return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: form, errors: FieldErrors(["address": "validation_mailbox_exists"]),
                            check: nil, status: .unprocessableContent)
        }
        if updated.isSyncable { try await PipelineJobs.startSync(services.jobs, mailbox: updated, every: services.syncInterval) }
        await services.audit.record(kind: "mailbox.updated", identity: identity, context: context, details: [
            "mailbox_id": updated.id.uuidString, "address": updated.address.value, "new_password": Self.isBlank(typed) ? "no" : "yes",
        ])
        try await services.flash(context, .success, "flash_mailbox_saved")
        return .seeOther("/mailboxes")
    }

    /// "Test connection" on the edit form; without a new password the stored one is used, on
    /// the same conditions as saving.
    @Sendable func testExisting(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, _, mailbox) = try await ownMailbox(context)
        let form = MailboxForm(context.form, base: MailboxForm(mailbox))
        let typed = context.form[MailboxForm.passwordField]
        let draft: MailboxDraft
        switch form.draft(kind: mailbox.kind) {
        case .success(let valid): draft = valid
        case .failure(let errors):
            return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: form, errors: errors, check: nil, status: .unprocessableContent)
        }
        let secret: String
        if !Self.isBlank(typed) {
            secret = MailboxForm.secret(typed, kind: mailbox.kind)
        } else if Self.pointsElsewhere(draft, mailbox) {
            return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: form,
                            errors: FieldErrors([MailboxForm.passwordField: "validation_password_for_new_server"]), check: nil, status: .unprocessableContent)
        } else {
            secret = try await services.mailboxes.credentials(for: mailbox).secret
        }
        let check = await services.connectionTester.test(draft, secret: secret)
        await recordTest(check, draft: draft, mailboxID: mailbox.id, identity: identity, context: context)
        return formPage(request, context, kind: mailbox.kind, mailboxID: mailbox.id, form: form, errors: FieldErrors(), check: check, status: .ok)
    }

    @Sendable func syncNow(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, _, mailbox) = try await ownMailbox(context)
        guard mailbox.isSyncable else {
            try await services.flash(context, .error, "flash_mailbox_paused_no_sync")
            return .seeOther("/mailboxes")
        }
        try await PipelineJobs.syncNow(services.jobs, mailbox: mailbox)
        await services.audit.record(kind: "mailbox.sync_requested", identity: identity, context: context, details: ["mailbox_id": mailbox.id.uuidString])
        try await services.flash(context, .success, "flash_mailbox_sync_requested")
        return .seeOther("/mailboxes")
    }

    @Sendable func pause(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, mailbox) = try await ownMailbox(context)
        _ = try await services.mailboxes.pause(member, id: mailbox.id)
        try await PipelineJobs.stopSync(services.jobs, mailboxID: mailbox.id)
        await services.audit.record(kind: "mailbox.paused", identity: identity, context: context, details: ["mailbox_id": mailbox.id.uuidString])
        try await services.flash(context, .success, "flash_mailbox_paused")
        return .seeOther("/mailboxes")
    }

    /// Lifts a pause and syncs at once (the polling schedule is renewed too).
    @Sendable func resume(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, mailbox) = try await ownMailbox(context)
        let resumed = try await services.mailboxes.resume(member, id: mailbox.id)
        try await PipelineJobs.startSync(services.jobs, mailbox: resumed, every: services.syncInterval)
        await services.audit.record(kind: "mailbox.resumed", identity: identity, context: context, details: ["mailbox_id": mailbox.id.uuidString])
        try await services.flash(context, .success, "flash_mailbox_resumed")
        return .seeOther("/mailboxes")
    }

    // MARK: Removing

    @Sendable func confirmRemoval(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, mailbox) = try await ownMailbox(context)
        let view = RemovalView(mailboxID: mailbox.id.uuidString, displayName: mailbox.displayName, address: mailbox.address.value,
                               messagesStored: mailbox.messagesStored)
        return services.renderer.page("mailbox-remove", titleKey: "title_mailbox_remove", content: view, request: request, context: context)
    }

    /// Stops the sync and forgets the mailbox with its password; its messages stay in the inbox
    /// unless the person chose to delete them (the safe answer is the default).
    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member, mailbox) = try await ownMailbox(context)
        let keepMessages = context.form["messages"] != "delete"
        try await services.mailboxes.delete(member, id: mailbox.id, keepMessages: keepMessages)
        try await PipelineJobs.stopSync(services.jobs, mailboxID: mailbox.id)
        await services.audit.record(kind: "mailbox.removed", identity: identity, context: context, details: [
            "mailbox_id": mailbox.id.uuidString, "address": mailbox.address.value, "messages": keepMessages ? "kept" : "deleted",
        ])
        try await services.flash(context, .success, keepMessages ? "flash_mailbox_removed_kept" : "flash_mailbox_removed_deleted")
        return .seeOther("/mailboxes")
    }

    // MARK: Helpers

    /// The mailbox named in the path, in the visitor's company (404 otherwise, before any role
    /// check, so another tenant's id reveals nothing), and the right to manage it.
    private func ownMailbox(_ context: AppRequestContext) async throws -> (Identity, TenantMember, Mailbox) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let mailbox = try await services.mailboxes.find(id, scope: .tenant(member))
        let identity = try context.require(.manageMailboxes)
        return (identity, member, mailbox)
    }

    private func postedKind(_ context: AppRequestContext) throws -> MailboxKind {
        guard let kind = MailboxKind(rawValue: context.form["kind"]) else { throw HTTPError(.badRequest) }
        return kind
    }

    static func isBlank(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// The stored password would go to another server or login than before.
    static func pointsElsewhere(_ draft: MailboxDraft, _ mailbox: Mailbox) -> Bool {
        draft.connection != mailbox.connection || draft.username != mailbox.username || draft.address != mailbox.address
    }

    private func recordTest(_ check: ConnectionCheck, draft: MailboxDraft, mailboxID: UUID?, identity: Identity, context: AppRequestContext) async {
        var details = ["kind": draft.kind.rawValue, "address": draft.address.value, "outcome": check.problem?.rawValue ?? "ok"]
        if let mailboxID { details["mailbox_id"] = mailboxID.uuidString }
        await services.audit.record(kind: "mailbox.connection_tested", identity: identity, context: context, details: details)
    }

    private func formPage(_ request: Request, _ context: AppRequestContext, kind: MailboxKind, mailboxID: UUID?, form: MailboxForm,
                          errors: FieldErrors, check: ConnectionCheck?, status: HTTPResponse.Status) -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let messages = services.renderer.localizer.messages(errors, locale)
        let isNew = mailboxID == nil
        let base = mailboxID.map { "/mailboxes/\($0.uuidString)" }
        let tlsOptions: (String) -> [InboxViews.Option] = { selected in
            MailTLSMode.allCases.map { (mode: MailTLSMode) -> InboxViews.Option in
                InboxViews.Option(value: mode.rawValue, label: text("mailbox_tls_\(mode.rawValue.lowercased())"), selected: mode.rawValue == selected)
            }
        }
        let authOptions = ExchangeAuth.allCases.map { (auth: ExchangeAuth) -> InboxViews.Option in
            InboxViews.Option(value: auth.rawValue, label: text("mailbox_auth_\(auth.rawValue)"), selected: auth.rawValue == form.exchangeAuth)
        }
        let view = FormView(
            isNew: isNew, kind: kind.rawValue, kindLabel: InboxViews.kindLabel(kind, text),
            isGmail: kind == .gmail, isIMAP: kind == .imap, isExchange: kind == .exchange,
            showsDisplayName: kind != .gmail || !isNew,
            action: base ?? "/mailboxes", testAction: (base ?? "/mailboxes") + "/test",
            form: form, errors: messages, errorSummary: Array(Set(messages.values)).sorted(), hasErrors: !messages.isEmpty,
            imapTLSOptions: tlsOptions(form.imapTLS), smtpTLSOptions: tlsOptions(form.smtpTLS),
            authOptions: authOptions,
            check: check.map { Self.checkView($0, kind: kind, text: text) })
        return services.renderer.page("mailbox-form", titleKey: isNew ? "title_mailbox_new" : "title_mailbox_edit", content: view,
                                      request: request, context: context, status: status)
    }

    static func checkView(_ check: ConnectionCheck, kind: MailboxKind, text: (String) -> String) -> CheckView {
        guard let problem = check.problem else {
            var facts: [Fact] = []
            if let folders = check.folderCount { facts.append(Fact(label: text("mailbox_check_folders"), value: String(folders))) }
            if let labels = check.labelsCanBeStored {
                facts.append(Fact(label: text("mailbox_check_labels"), value: text(labels ? "common_yes" : "mailbox_check_labels_no")))
            }
            if let url = check.ewsURL { facts.append(Fact(label: text("mailbox_check_ews_url"), value: url)) }
            return CheckView(succeeded: true, sentence: text("mailbox_check_ok"), service: nil, facts: facts, hasFacts: !facts.isEmpty, detail: nil)
        }
        // Gmail refuses an account password as a wrong one; what people need to hear is "use an app password".
        let key = kind == .gmail && problem == .wrongPassword ? "mailbox_problem_wrong_password_gmail" : "mailbox_problem_\(problem.rawValue)"
        return CheckView(succeeded: false, sentence: text(key), service: check.service.map { text("mailbox_service_\($0.rawValue)") },
                         facts: [], hasFacts: false, detail: check.detail.isEmpty ? nil : check.detail)
    }
}
