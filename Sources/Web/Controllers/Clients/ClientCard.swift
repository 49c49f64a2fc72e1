import CompanyData
import Domain
import Foundation
import Hummingbird
import Storage

/// The client card as both its readers see it: the tenant's page, with the pipeline, the
/// "Enrich" button and the notes; and the SUPER_ADMIN console's read-only copy, which shows the
/// company data but never the notes (they are the tenant's alone, and their repository does not
/// even accept the platform scope).
///
/// Every company fact shows where it came from and when: the provider or web search, the day it
/// was fetched, and the page it was found on when there is one.
struct ClientCard {
    let services: WebServices

    /// One fact of the company record with its provenance.
    struct Fact {
        let label: String
        let value: String
        /// The value as a link (the website).
        let valueURL: String?
        let source: String
        let fetchedAt: String
        let sourceURL: String?
    }

    /// A website, an e-mail address or a phone number with its provenance.
    struct Contact {
        let value: String
        /// `https://…`, `mailto:…`, `tel:…`; nil when the value cannot be a safe link.
        let href: String?
        let source: String
        let fetchedAt: String
        let sourceURL: String?
        /// The correction form (e-mail addresses and phones only).
        var form: ContactEditForm? = nil
    }

    /// The form that adds an e-mail address or phone (`original` nil) or corrects one.
    struct ContactEditForm {
        let kind: String
        let original: String?
        let fieldID: String
        let formValue: String
        let formError: String?
        /// A refused correction shows open.
        let isOpen: Bool
    }

    /// The form that adds a decision maker (`original` nil) or corrects one.
    struct PersonForm {
        let original: String?
        let idPrefix: String
        let fullNameValue: String
        let positionValue: String
        let innValue: String
        let emailValue: String
        let phoneValue: String
        let fullNameError: String?
        let positionError: String?
        let innError: String?
        let emailError: String?
        let phoneError: String?
        let isOpen: Bool
    }

    /// What a refused form sent, to show again with its errors.
    struct ContactDraft: Sendable {
        let kind: ContactKind
        let original: String?
        let value: String
        let errorKey: String?
    }

    struct PersonDraft: Sendable {
        let original: String?
        let values: [String: String]
        let errors: FieldErrors
    }

    struct StatusDraft: Sendable {
        let status: ClientStatus
        let comment: String
        let errors: FieldErrors
    }

    /// The card's refused form, if any.
    struct Editing: Sendable {
        var contact: ContactDraft? = nil
        var person: PersonDraft? = nil
        var status: StatusDraft? = nil
    }

    /// One move along the pipeline.
    struct HistoryRow {
        let changedAt: String
        let fromLabel: String
        let toLabel: String
        let changedBy: String
        let historyComment: String?
    }

    struct DecisionMakerRow {
        let fullName: String
        let position: String?
        /// Not `inn`: a missing key would be looked up on the card and find the client's.
        let personINN: String?
        let birthDate: String?
        let email: String?
        let emailHref: String?
        let phone: String?
        let phoneHref: String?
        let source: String
        let fetchedAt: String
        let sourceURL: String?
        let form: PersonForm?
    }

    /// One step of new → enriched → contacted → replied → won / lost.
    struct Step {
        let value: String
        let label: String
        let isCurrent: Bool
        /// Checked in the form: the current one, or the one a refused change asked for.
        let isChosen: Bool
    }

    struct NoteRow {
        let id: String
        let author: String
        let createdAt: String
        let body: String
        let canDelete: Bool
    }

    /// One message from the client.
    struct MessageRow {
        let url: String
        let receivedAt: String
        let sender: String
        let senderAddress: String
        let subject: String
        let category: InboxViews.CategoryChip?
        let isUnclassified: Bool
    }

    /// The client's newest messages, and the inbox searched for the rest.
    struct MessagesView {
        let rows: [MessageRow]
        let hasRows: Bool
        /// `/inbox?q=…` by the client's first domain (or address); nil when the client has none.
        let inboxURL: String?
    }

    /// The most messages the card lists.
    static let messageLimit = 20

    struct CardView {
        let clientID: String
        let name: String
        let inn: String
        let innLabel: String
        let cardPath: String
        let listPath: String
        let status: String
        let statusLabel: String
        let enrichment: String
        let enrichmentLabel: String
        let enrichmentError: String?
        let enrichedAt: String?
        let isPending: Bool
        let origin: String
        let createdAt: String
        let facts: [Fact]
        let hasFacts: Bool
        let website: Contact?
        let emails: [Contact]
        let phones: [Contact]
        let hasContacts: Bool
        let decisionMakers: [DecisionMakerRow]
        let hasDecisionMakers: Bool
        let addEmail: ContactEditForm?
        let addPhone: ContactEditForm?
        let addPerson: PersonForm?
        let statusComment: String
        let statusCommentError: String?
        let history: [HistoryRow]
        let hasHistory: Bool
        let showsHistory: Bool
        /// `/clients/{id}/enrichment.json` while the tenant's card waits for an enrichment.
        let enrichmentStateURL: String?
        let steps: [Step]
        let canWork: Bool
        let canDelete: Bool
        let showsNotes: Bool
        let notes: [NoteRow]
        let hasNotes: Bool
        let noteDraft: String
        let noteError: String?
        let noteMaximumLength: Int
        let isConsole: Bool
        let tenantName: String?
        let tenantURL: String?
        /// Nil on the console's card: message cards are the tenant's pages.
        let messages: MessagesView?
    }

    // MARK: Pages

    /// The tenant's card, with its notes; `noteDraft` and `noteErrors` when a note was refused.
    func page(_ request: Request, _ context: AppRequestContext, client: Client, member: TenantMember, noteDraft: String = "",
              noteErrors: FieldErrors = FieldErrors(), editing: Editing = Editing(), status: HTTPResponse.Status = .ok) async throws -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let canWork = ClientAccess.allows(member.role, .work)
        let notes = try await services.clientNotes.list(member, clientID: client.id).map { (note: ClientNote) -> NoteRow in
            NoteRow(id: note.id.uuidString, author: note.authorName ?? text("client_note_author_gone"),
                    createdAt: DisplayFormat.dateTime(note.createdAt, locale), body: note.body,
                    canDelete: canWork && (note.authorID == member.userID || ClientAccess.allows(member.role, .delete)))
        }
        var messages: MessagesView?
        if AccessPolicy.allows(member.role, .viewInbox) {
            messages = try await messagesView(client, scope: .tenant(member), locale: locale, text: text)
        }
        let history = try await services.clients.statusHistory(member, clientID: client.id).map { (change: ClientStatusChange) -> HistoryRow in
            let who = change.changedBy == nil ? text("client_history_by_enrichment") : (change.changedByName ?? text("client_history_user_gone"))
            return HistoryRow(changedAt: DisplayFormat.dateTime(change.changedAt, locale), fromLabel: ClientFormat.status(change.from, text),
                              toLabel: ClientFormat.status(change.to, text), changedBy: who, historyComment: change.comment)
        }
        let view = card(client, cardPath: "/clients/\(client.id.uuidString)", listPath: "/clients", canWork: canWork,
                        canDelete: ClientAccess.allows(member.role, .delete), notes: notes, showsNotes: true,
                        noteDraft: noteDraft, noteError: services.renderer.localizer.messages(noteErrors, locale)[ClientNotesController.bodyField],
                        history: history, editing: editing, tenant: nil, messages: messages, locale: locale, text: text)
        return services.renderer.page("client", titleKey: "title_client", content: view, request: request, context: context, status: status)
    }

    /// The console's card: read-only, and without notes.
    func consolePage(_ request: Request, _ context: AppRequestContext, client: Client, tenant: Company) -> Response {
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let base = "/admin/tenants/\(tenant.id.uuidString)/clients"
        let view = card(client, cardPath: "\(base)/\(client.id.uuidString)", listPath: base, canWork: false, canDelete: false,
                        notes: [], showsNotes: false, noteDraft: "", noteError: nil, history: nil, editing: Editing(), tenant: tenant, messages: nil,
                        locale: locale, text: text)
        return services.renderer.page("client", titleKey: "title_client", content: view, request: request, context: context)
    }

    // MARK: Building

    private func card(_ client: Client, cardPath: String, listPath: String, canWork: Bool, canDelete: Bool, notes: [NoteRow], showsNotes: Bool,
                      noteDraft: String, noteError: String?, history: [HistoryRow]?, editing: Editing, tenant: Company?, messages: MessagesView?,
                      locale: AppLocale, text: (String) -> String) -> CardView {
        let contacts = client.contacts
        let localizer = services.renderer.localizer
        func contactForm(_ kind: ContactKind, original: String?, index: Int) -> ContactEditForm? {
            guard canWork else { return nil }
            let draft = editing.contact.flatMap { $0.kind == kind && $0.original == original ? $0 : nil }
            return ContactEditForm(kind: kind.rawValue, original: original, fieldID: "\(kind.rawValue)-\(index)", formValue: draft?.value ?? original ?? "",
                               formError: draft?.errorKey.map { localizer.text($0, locale) }, isOpen: draft != nil)
        }
        func personForm(_ person: DecisionMaker?, index: Int) -> PersonForm? {
            guard canWork else { return nil }
            let fields = ClientContactsController.personFields
            let draft = editing.person.flatMap { $0.original == person?.fullName ? $0 : nil }
            let errors = draft.map { localizer.messages($0.errors, locale) } ?? [:]
            func value(_ field: String, _ current: String?) -> String { draft.map { $0.values[field] ?? "" } ?? current ?? "" }
            return PersonForm(
                original: person?.fullName, idPrefix: "dm-\(index)", fullNameValue: value(fields.fullName, person?.fullName),
                positionValue: value(fields.position, person?.position), innValue: value(fields.inn, person?.inn),
                emailValue: value(fields.email, person?.email), phoneValue: value(fields.phone, person?.phone),
                fullNameError: errors[fields.fullName], positionError: errors[fields.position], innError: errors[fields.inn],
                emailError: errors[fields.email], phoneError: errors[fields.phone], isOpen: draft != nil)
        }
        let website = contacts.website.map { Self.contact($0, href: ClientFormat.safeLink($0.value), text: text) }
        let emails = contacts.emails.enumerated().map { entry -> Contact in
            let (index, email) = (entry.offset, entry.element)
            var row = Self.contact(email, href: "mailto:" + email.value, text: text)
            row.form = contactForm(.email, original: email.value, index: index)
            return row
        }
        let phones = contacts.phones.enumerated().map { entry -> Contact in
            let (index, phone) = (entry.offset, entry.element)
            var row = Self.contact(phone, href: Self.telephoneLink(phone.value), text: text)
            row.form = contactForm(.phone, original: phone.value, index: index)
            return row
        }
        let people = contacts.decisionMakers.enumerated().map { entry -> DecisionMakerRow in
            let (index, person) = (entry.offset, entry.element)
            return DecisionMakerRow(
                fullName: person.fullName, position: person.position, personINN: person.inn, birthDate: person.birthDate.map(ClientFormat.day),
                email: person.email, emailHref: person.email.map { "mailto:" + $0 }, phone: person.phone,
                phoneHref: person.phone.flatMap(Self.telephoneLink),
                source: Self.source(person.source, enteredBy: person.enteredBy, localizer: localizer, locale: locale, text: text),
                fetchedAt: ClientFormat.date(person.fetchedAt),
                sourceURL: ClientFormat.safeLink(person.sourceURL), form: personForm(person, index: index))
        }
        let chosen = editing.status?.status ?? client.status
        let steps = ClientStatus.allCases.map { (status: ClientStatus) -> Step in
            Step(value: status.rawValue, label: ClientFormat.status(status, text), isCurrent: status == client.status, isChosen: status == chosen)
        }
        let statusErrors = editing.status.map { localizer.messages($0.errors, locale) } ?? [:]
        let shownHistory = history ?? []
        let facts = Self.facts(client.record, regions: services.regions, okvedTree: services.okved, locale: locale, text: text)
        return CardView(
            clientID: client.id.uuidString, name: client.name, inn: client.inn,
            innLabel: text(client.record.isSoleProprietor ? "client_inn_person" : "client_inn_company"),
            cardPath: cardPath, listPath: listPath,
            status: client.status.rawValue, statusLabel: ClientFormat.status(client.status, text),
            enrichment: client.enrichment.rawValue, enrichmentLabel: ClientFormat.enrichment(client.enrichment, text),
            enrichmentError: ProblemFormat.text(client.enrichmentError, localizer: services.renderer.localizer, locale: locale),
            enrichedAt: client.enrichedAt.map { DisplayFormat.dateTime($0, locale) }, isPending: client.enrichment == .pending,
            origin: text("client_origin_\(client.origin.rawValue)"), createdAt: DisplayFormat.dateTime(client.createdAt, locale),
            facts: facts, hasFacts: !facts.isEmpty,
            website: website, emails: emails, phones: phones, hasContacts: website != nil || !emails.isEmpty || !phones.isEmpty,
            decisionMakers: people, hasDecisionMakers: !people.isEmpty,
            addEmail: contactForm(.email, original: nil, index: contacts.emails.count),
            addPhone: contactForm(.phone, original: nil, index: contacts.phones.count),
            addPerson: personForm(nil, index: contacts.decisionMakers.count),
            statusComment: editing.status?.comment ?? "", statusCommentError: statusErrors[ClientsController.statusCommentField],
            history: shownHistory, hasHistory: !shownHistory.isEmpty, showsHistory: history != nil,
            enrichmentStateURL: client.enrichment == .pending && tenant == nil ? "\(cardPath)/enrichment.json" : nil,
            steps: steps, canWork: canWork, canDelete: canDelete,
            showsNotes: showsNotes, notes: notes, hasNotes: !notes.isEmpty, noteDraft: noteDraft, noteError: noteError,
            noteMaximumLength: ClientNote.maximumLength,
            isConsole: tenant != nil, tenantName: tenant?.name, tenantURL: tenant.map { "/admin/tenants/\($0.id.uuidString)" },
            messages: messages)
    }

    /// The newest messages whose sender matches the client (`ClientMessageRepository`), each
    /// linking to its message card, and the inbox searched by the client's first domain (an
    /// address at a public domain when it has no domain of its own) for the older ones.
    private func messagesView(_ client: Client, scope: TenantScope, locale: AppLocale, text: (String) -> String) async throws -> MessagesView {
        let entries = try await services.clientMessages.messages(from: client, limit: Self.messageLimit)
        var categories: [InboxCategory] = []
        if !entries.isEmpty { categories = try await services.categories.list(scope) }
        let categoryByID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0) })
        let rows = entries.map { (entry: InboxEntry) -> MessageRow in
            let message = entry.message
            return MessageRow(
                url: "/inbox/\(message.id.uuidString)", receivedAt: DisplayFormat.dateTime(message.receivedAt, locale),
                sender: message.fromName ?? message.fromAddress, senderAddress: message.fromAddress,
                subject: message.subject.isEmpty ? text("inbox_no_subject") : message.subject,
                category: entry.classification?.categoryID.flatMap { categoryByID[$0] }.map(InboxViews.chip),
                isUnclassified: entry.classification == nil)
        }
        let keys = ClientMailKeys(record: client.record, contacts: client.contacts)
        let search = keys.domains.first.map { "@" + $0 } ?? keys.addresses.first
        var filters = InboxFilters()
        filters.q = search ?? ""
        return MessagesView(rows: rows, hasRows: !rows.isEmpty, inboxURL: search.map { _ in filters.url() })
    }

    /// The record's facts in the order a person reads a company card; unknown ones are left out.
    static func facts(_ record: CompanyRecord, regions: RegionCatalog, okvedTree: OKVEDTree, locale: AppLocale, text: (String) -> String) -> [Fact] {
        var facts: [Fact] = []
        func add<Value: Sendable & Hashable & Codable>(_ labelKey: String, _ sourced: Sourced<Value>?, show: (Value) -> String,
                                                         link: (Value) -> String? = { _ in nil }) {
            guard let sourced else { return }
            let value = show(sourced.value)
            guard !value.isEmpty else { return }
            facts.append(Fact(label: text(labelKey), value: value, valueURL: link(sourced.value), source: ClientFormat.source(sourced.source, text),
                              fetchedAt: ClientFormat.date(sourced.fetchedAt), sourceURL: ClientFormat.safeLink(sourced.url)))
        }
        func activity(_ item: OKVEDActivity) -> String {
            let name = item.name ?? okvedTree.entry(item.code)?.name
            return name.map { "\(item.code) — \($0)" } ?? item.code
        }
        add("company_field_full_name", record.fullName, show: { $0 })
        add("company_field_short_name", record.shortName, show: { $0 })
        add(record.isSoleProprietor ? "company_field_ogrnip" : "company_field_ogrn", record.ogrn, show: { $0 })
        add("company_field_kpp", record.kpp, show: { $0 })
        add("company_field_status", record.status, show: { text("company_status_\($0.rawValue)") })
        add("company_field_registered", record.registrationDate, show: { ClientFormat.day($0) })
        add("company_field_main_okved", record.mainOKVED, show: { activity($0) })
        add("company_field_extra_okveds", record.extraOKVEDs, show: { $0.map(\.code).joined(separator: ", ") })
        add("company_field_region", record.regionCode, show: { code in
            regions.region(code).map { "\($0.code) — \($0.fullName)" } ?? code
        })
        add("company_field_address", record.address, show: { $0 })
        add("company_field_director", record.director, show: { (director: CompanyDirector) -> String in
            let parts: [String?] = [director.name, director.position, director.inn.map { "\(text("client_dm_col_inn")) \($0)" }]
            return parts.compactMap { $0 }.joined(separator: ", ")
        })
        add("company_field_headcount", record.headcount, show: { ClientFormat.grouped($0, locale) })
        add("company_field_revenue", record.revenue, show: { "\(ClientFormat.roubles($0.roubles, locale)) (\($0.year))" })
        add("company_field_phones", record.phones, show: { $0.joined(separator: ", ") })
        add("company_field_emails", record.emails, show: { $0.joined(separator: ", ") })
        add("company_field_website", record.website, show: { $0 }, link: { ClientFormat.safeLink($0) })
        return facts
    }

    static func contact(_ sourced: Sourced<String>, href: String?, text: (String) -> String) -> Contact {
        let source = sourced.enteredBy.map { name in text("company_source_entered_by").replacingOccurrences(of: "{name}", with: name) }
        return Contact(value: sourced.value, href: href, source: source ?? ClientFormat.source(sourced.source, text),
                       fetchedAt: ClientFormat.date(sourced.fetchedAt), sourceURL: ClientFormat.safeLink(sourced.url))
    }

    /// "Entered by Anna Petrova" for a hand-entered value; the source in words otherwise.
    static func source(_ source: CompanyDataSource, enteredBy: String?, localizer: Localizer, locale: AppLocale, text: (String) -> String) -> String {
        guard let enteredBy else { return ClientFormat.source(source, text) }
        return localizer.text("company_source_entered_by", locale, values: ["name": enteredBy])
    }

    /// `tel:+74951234567` for a number of digits and a leading plus; nil for anything else.
    static func telephoneLink(_ phone: String) -> String? {
        let digits = phone.filter { $0 != " " && $0 != "-" && $0 != "(" && $0 != ")" }
        guard !digits.isEmpty, digits.enumerated().allSatisfy({ $0.element.isASCII && ($0.element.isNumber || ($0.offset == 0 && $0.element == "+")) }) else {
            return nil
        }
        return "tel:" + digits
    }
}
