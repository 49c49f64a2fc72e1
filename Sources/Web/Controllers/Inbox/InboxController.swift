import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// The processed inbox: every stored message across the company's mailboxes with its category,
/// filters and search, a chart of the listed mailbox and period (two weeks unless the filters
/// name dates), and the message card where a person
/// corrects a category (which relabels the message in its mailbox and teaches the classifier),
/// and "Classify again" for the messages still without a verdict.
struct InboxController {
    let services: WebServices

    static let pageSize = 50
    /// The chart's period when the filters name no dates, and its longest.
    static let chartDays = 14
    static let maximumChartDays = 90
    /// A filtered list is counted no further: beyond it the page says "more than".
    static let matchCountCap = 10_000
    static let snippetPreviewLength = 160

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/inbox", use: list)
        group.post("/inbox/classify-again", use: classifyAgain)
        group.get("/inbox/{id}", use: message)
        group.post("/inbox/{id}/category", use: correct)
        group.post("/inbox/{id}/retry", use: retryLabels)
    }

    // MARK: Views

    struct MessageRow {
        let id: String
        /// The card, carrying the list to go back to.
        let url: String
        let receivedAt: String
        let sender: String
        let senderAddress: String
        let subject: String
        let snippet: String
        let mailboxName: String?
        let category: InboxViews.CategoryChip?
        let confidence: String?
        let needsReview: Bool
        let hasFailedLabels: Bool
        let isUnclassified: Bool
    }

    /// One mailbox's line above the list: name, status, last sync and why it fails, for everyone
    /// who reads the inbox (no settings, no login), kept live by `app.js` like the mailboxes page.
    struct MailboxStatusLine {
        let id: String
        let displayName: String
        /// The raw status, for the badge's class and the live updates.
        let status: String
        let statusLabel: String
        let lastSync: String?
        let lastError: String?
        /// The server's own words under `lastError`, when it said any.
        let lastErrorDetail: String?
    }

    struct Totals {
        let messages: Int
        let needsReview: Int
        let failedLabels: Int
        let unclassified: Int
        let queuedJobs: Int
    }

    struct LegendItem {
        let name: String
        let colour: String
        let total: Int
        /// The list filtered by this category, the other filters kept; `nil` for messages
        /// without a category (no filter lists exactly those).
        let url: String?
    }

    struct ChartView {
        /// The SVG as a `data:` URL.
        let source: String
        /// The figures in words, for whoever cannot see the image.
        let alternative: String
        /// The first and last day shown.
        let period: String
        /// The filters' dates span more than ``InboxController/maximumChartDays``: the chart
        /// shows the last of them.
        let isClipped: Bool
        let legend: [LegendItem]
    }

    /// The days the chart covers: `days` days up to and including `lastDay` (a Moscow midnight).
    struct ChartPeriod: Equatable {
        let lastDay: Date
        let days: Int
        let isClipped: Bool
    }

    struct Pagination {
        let isShown: Bool
        let hasNext: Bool
        let nextURL: String
        let isFirstPage: Bool
        let firstURL: String
    }

    struct ListView {
        let rows: [MessageRow]
        let hasRows: Bool
        let filters: InboxFilters
        let isFiltered: Bool
        /// Field errors of the filters by field (`from`, `to`), in the reader's language.
        let errors: [String: String]
        let mailboxOptions: [InboxViews.Option]
        let categoryOptions: [InboxViews.Option]
        let hasMailboxes: Bool
        let mailboxStatuses: [MailboxStatusLine]
        let canManageMailboxes: Bool
        /// The "Classify again" button: messages wait for a verdict and the user may ask.
        let canClassifyAgain: Bool
        let totals: Totals
        /// "N messages match" under a filtered list, `nil` for the whole inbox.
        let matchCount: String?
        let chart: ChartView?
        let pagination: Pagination
        /// This list (filters and page), where "Classify again" comes back to.
        let backURL: String
        /// This list's first page, filters kept: where the "new messages" banner leads.
        let freshURL: String
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.viewInbox)
        let member = try context.member()
        let scope = TenantScope.tenant(member)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let filters = InboxFilters(query: request.uri.query)
        let cursorToken = FormData(urlEncoded: request.uri.query ?? "")["after"]
        let cursor = InboxCursor(token: cursorToken)
        let listURL = filters.url(after: cursor?.token)
        let cardQuery = InboxFilters.cardQuery(back: listURL)

        let mailboxes = try await services.mailboxes.list(scope)
        let categories = try await services.categories.list(scope)
        let page = try await services.inboundMessages.list(scope, filter: filters.inboxFilter, after: cursor, limit: Self.pageSize)
        let attention = try await services.inboundMessages.attentionCounts(scope)
        let jobs = try await services.jobs.counts(scope)
        let listFilter = filters.inboxFilter
        let period = Self.chartPeriod(listFilter, now: Date())
        let counts = try await services.inboundMessages.dailyCategoryCounts(
            scope, filter: Self.chartFilter(listFilter), days: period.days, through: period.lastDay, timeZone: DisplayFormat.timeZone)
        var matchCount: String?
        if filters.isFiltered {
            let matching = try await services.inboundMessages.countMatching(scope, filter: listFilter, cappedAt: Self.matchCountCap)
            matchCount = Self.matchCountText(matching, localizer: services.renderer.localizer, locale: locale)
        }

        let mailboxNames = Dictionary(uniqueKeysWithValues: mailboxes.map { ($0.id, $0.displayName) })
        let categoryByID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0) })
        let rows = page.entries.map { (entry: InboxEntry) -> MessageRow in
            Self.row(entry, mailboxNames: mailboxNames, categories: categoryByID, locale: locale, cardQuery: cardQuery, text: text)
        }
        let mailboxOptions = mailboxes.map { (mailbox: Mailbox) -> InboxViews.Option in
            InboxViews.Option(value: mailbox.id.uuidString, label: mailbox.displayName, selected: mailbox.id.uuidString == filters.mailbox)
        }
        let mailboxStatuses = mailboxes.map { (mailbox: Mailbox) -> MailboxStatusLine in
            Self.statusLine(mailbox, localizer: services.renderer.localizer, locale: locale)
        }
        let errors = services.renderer.localizer.messages(filters.dateErrors, locale)
        let categoryOptions = categories.map { (category: InboxCategory) -> InboxViews.Option in
            InboxViews.Option(value: category.id.uuidString, label: category.name, selected: category.id.uuidString == filters.category)
        }
        let totals = Totals(messages: attention.total, needsReview: attention.needsReview, failedLabels: attention.failedLabels,
                            unclassified: attention.unclassified, queuedJobs: (jobs[.queued] ?? 0) + (jobs[.running] ?? 0))
        let pagination = Pagination(isShown: page.nextCursor != nil || cursor != nil, hasNext: page.nextCursor != nil,
                                    nextURL: filters.url(after: page.nextCursor?.token), isFirstPage: cursor == nil, firstURL: filters.url())
        let view = ListView(
            rows: rows, hasRows: !rows.isEmpty, filters: filters, isFiltered: filters.isFiltered, errors: errors,
            mailboxOptions: mailboxOptions, categoryOptions: categoryOptions,
            hasMailboxes: !mailboxes.isEmpty, mailboxStatuses: mailboxStatuses,
            canManageMailboxes: AccessPolicy.allows(member.role, .manageMailboxes),
            canClassifyAgain: attention.unclassified > 0 && AccessPolicy.allows(member.role, .correctClassification),
            totals: totals, matchCount: matchCount,
            chart: Self.chart(counts, period: period, filters: filters, categories: categoryByID, text: text), pagination: pagination,
            backURL: listURL, freshURL: filters.url())
        return services.renderer.page("inbox", titleKey: "title_inbox", content: view, request: request, context: context,
                                      status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    static func statusLine(_ mailbox: Mailbox, localizer: Localizer, locale: AppLocale) -> MailboxStatusLine {
        let text = { (key: String) in localizer.text(key, locale) }
        let problem = InboxViews.lastError(mailbox, localizer: localizer, locale: locale)
        return MailboxStatusLine(
            id: mailbox.id.uuidString, displayName: mailbox.displayName, status: mailbox.status.rawValue,
            statusLabel: InboxViews.statusLabel(mailbox.status, text),
            lastSync: mailbox.lastSyncAt.map { DisplayFormat.dateTime($0, locale) },
            lastError: problem?.sentence, lastErrorDetail: problem?.detail)
    }

    static func row(_ entry: InboxEntry, mailboxNames: [UUID: String], categories: [UUID: InboxCategory], locale: AppLocale,
                    cardQuery: String, text: (String) -> String) -> MessageRow {
        let message = entry.message
        let verdict = entry.classification
        let category = verdict?.categoryID.flatMap { categories[$0] }
        let snippet = message.snippet.split(whereSeparator: \.isNewline).joined(separator: " ")
        return MessageRow(
            id: message.id.uuidString, url: "/inbox/\(message.id.uuidString)\(cardQuery)",
            receivedAt: DisplayFormat.dateTime(message.receivedAt, locale),
            sender: message.fromName ?? message.fromAddress, senderAddress: message.fromAddress,
            subject: message.subject.isEmpty ? text("inbox_no_subject") : message.subject,
            snippet: snippet.count > snippetPreviewLength ? String(snippet.prefix(snippetPreviewLength)) + "…" : snippet,
            mailboxName: message.mailboxID.flatMap { mailboxNames[$0] },
            category: category.map(InboxViews.chip),
            confidence: verdict.map { InboxViews.percent($0.confidence) },
            needsReview: verdict?.needsReview ?? false, hasFailedLabels: entry.failedLabelActions > 0,
            isUnclassified: verdict == nil)
    }

    /// The chart's days from the list's dates: from "from" to "to" (today when only "from" is
    /// given), the 14 days up to "to" (or today) when "from" is not; at most the last 90.
    static func chartPeriod(_ filter: InboxFilter, now: Date) -> ChartPeriod {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DisplayFormat.timeZone
        let today = calendar.startOfDay(for: now)
        // `to` is the start of the day after the last one asked for.
        let lastDay = filter.to.flatMap { calendar.date(byAdding: .day, value: -1, to: $0) } ?? max(today, filter.from ?? today)
        let firstDay = filter.from ?? calendar.date(byAdding: .day, value: 1 - chartDays, to: lastDay) ?? lastDay
        let span = (calendar.dateComponents([.day], from: firstDay, to: lastDay).day ?? 0) + 1
        return ChartPeriod(lastDay: lastDay, days: min(max(span, 1), maximumChartDays), isClipped: span > maximumChartDays)
    }

    /// What the chart counts of the list's filters: the mailbox, needs review and failed labels.
    /// Not the category (the chart compares categories, and its legend picks one), nor the
    /// search; the dates make its period.
    static func chartFilter(_ filter: InboxFilter) -> InboxFilter {
        InboxFilter(mailboxID: filter.mailboxID, needsReview: filter.needsReview, failedLabelActions: filter.failedLabelActions)
    }

    /// "N messages match", or "more than 10,000" when the capped count went past the cap.
    static func matchCountText(_ count: Int, localizer: Localizer, locale: AppLocale) -> String {
        if count > matchCountCap {
            return localizer.text("inbox_match_count_more", locale, values: ["count": groupedNumber(matchCountCap, locale)])
        }
        if count == 1 { return localizer.text("inbox_match_count_one", locale) }
        return localizer.text("inbox_match_count", locale, values: ["count": groupedNumber(count, locale)])
    }

    /// 10,000 in English, 10 000 in Russian (a no-break space, so the figure never wraps).
    static func groupedNumber(_ number: Int, _ locale: AppLocale) -> String {
        let digits = String(number.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (number < 0 ? "-" : "") + groups.joined(separator: locale == .ru ? "\u{00A0}" : ",")
    }

    /// The chart of the period, or `nil` when nothing arrived in it.
    static func chart(_ counts: InboxDailyCounts, period: ChartPeriod, filters: InboxFilters, categories: [UUID: InboxCategory],
                      text: (String) -> String) -> ChartView? {
        guard counts.series.contains(where: { $0.total > 0 }) else { return nil }
        // In the categories' own order, messages without one last.
        let ordered = counts.series.sorted { lhs, rhs in
            let left = lhs.categoryID.flatMap { categories[$0]?.position } ?? Int.max
            let right = rhs.categoryID.flatMap { categories[$0]?.position } ?? Int.max
            return left < right
        }
        let series = ordered.map { (item: CategoryDaySeries) -> CategoryDayChart.Series in
            let category = item.categoryID.flatMap { categories[$0] }
            return CategoryDayChart.Series(name: category?.name ?? text("inbox_uncategorised"),
                                           colour: category?.colour ?? CategoryDayChart.neutralColour, counts: item.counts)
        }
        let summary = series.map { "\($0.name): \($0.counts.reduce(0, +))" }.joined(separator: ", ")
        let periodText = [counts.days.first, counts.days.last].compactMap { $0.map(DisplayFormat.dayMonth) }.joined(separator: "–")
        let chart = CategoryDayChart(heading: "\(text("inbox_chart_title")), \(periodText)", summary: summary,
                                     dayLabels: counts.days.map(DisplayFormat.dayMonth), series: series)
        let legend = ordered.indices.map { (index: Int) -> LegendItem in
            let item = ordered[index], drawn = series[index]
            var linked = filters
            linked.category = item.categoryID?.uuidString ?? ""
            return LegendItem(name: drawn.name, colour: CategoryDayChart.safeColour(drawn.colour), total: item.total,
                              url: item.categoryID == nil ? nil : linked.url())
        }
        return ChartView(source: chart.imageSource(), alternative: "\(chart.heading). \(summary)", period: periodText,
                         isClipped: period.isClipped, legend: legend)
    }

    // MARK: Message card

    struct VerdictView {
        let category: InboxViews.CategoryChip?
        let confidence: String
        let reason: String?
        let source: String
        let classifiedAt: String
        let needsReview: Bool
        let isCorrected: Bool
    }

    struct ActionRow {
        let kindLabel: String
        let target: String?
        let status: String
        let statusLabel: String
        let attempts: Int
        let lastError: String?
        /// The server's own words under `lastError`, when it said any.
        let lastErrorDetail: String?
        let when: String
    }

    struct LinkedMessage {
        let id: String
        let url: String
        let subject: String
        let sender: String
        let receivedAt: String
    }

    /// The client the sender belongs to.
    struct SenderClientLink {
        let name: String
        let url: String
    }

    struct CardView {
        let messageID: String
        let subject: String
        let fromLine: String
        let toLine: String
        let receivedAt: String
        let mailboxName: String
        let headerMessageID: String?
        let inReplyTo: String?
        let snippet: String
        let verdict: VerdictView?
        let answers: [LinkedMessage]
        let hasAnswers: Bool
        /// Shown only when exactly one client matches the sender.
        let senderClient: SenderClientLink?
        let actions: [ActionRow]
        let hasActions: Bool
        let hasFailedActions: Bool
        let canRetry: Bool
        let canCorrect: Bool
        let categoryChoices: [InboxViews.Option]
        let hasCategoryChoices: Bool
        /// No choice is pre-selected: an empty "choose a category" option comes first, and the
        /// select is required, so one click on Save cannot file the message by accident.
        let needsChoice: Bool
        /// The list this card was opened from (filters kept), or plain `/inbox`.
        let backURL: String
        /// The card's forms carry `back` on when the card has one.
        let hasBack: Bool
        let back: String
    }

    @Sendable func message(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.uuidParameter()
        let member = try context.member()
        let scope = TenantScope.tenant(member)
        let detail = try await services.inboundMessages.detail(id, scope: scope)
        _ = try context.require(.viewInbox)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let back = InboxFilters.validatedBack(FormData(urlEncoded: request.uri.query ?? "")["back"])
        let cardQuery = InboxFilters.cardQuery(back: back)
        let message = detail.entry.message
        let verdict = detail.entry.classification
        let categories = try await services.categories.list(scope)
        let categoryByID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0) })
        let mailboxName: String
        if let mailboxID = message.mailboxID {
            mailboxName = (try? await services.mailboxes.find(mailboxID, scope: scope).displayName) ?? text("inbox_mailbox_removed")
        } else {
            mailboxName = text("inbox_mailbox_removed")
        }
        // The stored messages this one answers (a reply within the company's own mail).
        var answered: [InboundMessage] = []
        if !message.answeredMessageIDs.isEmpty {
            answered = try await services.inboundMessages.findByMessageIDs(message.answeredMessageIDs, companyID: member.companyID)
                .filter { $0.id != message.id }
        }
        let senderClient = try await services.clientMessages.client(ofSender: message).map { (client: SenderClient) -> SenderClientLink in
            SenderClientLink(name: client.name, url: "/clients/\(client.id.uuidString)")
        }
        let currentCategory = verdict?.categoryID
        // An unsure embedded verdict has no category: its best guess is the likeliest choice.
        let preselected = currentCategory ?? verdict.flatMap { EmbeddedReason($0) }?.bestGuess
        let choices = categories.filter { $0.isActive || $0.id == currentCategory }.map { (category: InboxCategory) -> InboxViews.Option in
            InboxViews.Option(value: category.id.uuidString,
                              label: category.isActive ? category.name : "\(category.name) (\(text("categories_inactive")))",
                              selected: category.id == preselected)
        }
        let actions = detail.labelActions.map { (action: LabelAction) -> ActionRow in
            let problem = MailProblemFormat.text(action.lastError, localizer: services.renderer.localizer, locale: locale)
            return ActionRow(
                kindLabel: text("inbox_action_\(action.kind.rawValue)"), target: action.label.isEmpty ? nil : action.label,
                status: action.status.rawValue, statusLabel: text("inbox_action_status_\(action.status.rawValue)"),
                attempts: action.attempts, lastError: problem?.sentence, lastErrorDetail: problem?.detail,
                when: DisplayFormat.dateTime(action.doneAt ?? action.updatedAt, locale))
        }
        let answers = answered.map { (linked: InboundMessage) -> LinkedMessage in
            LinkedMessage(id: linked.id.uuidString, url: "/inbox/\(linked.id.uuidString)\(cardQuery)", subject: linked.subject.isEmpty ? text("inbox_no_subject") : linked.subject,
                          sender: linked.fromName ?? linked.fromAddress, receivedAt: DisplayFormat.dateTime(linked.receivedAt, locale))
        }
        let hasFailed = detail.labelActions.contains { $0.status == .failed && $0.mailboxID != nil }
        let subject = message.subject.isEmpty ? text("inbox_no_subject") : message.subject
        let fromLine = message.fromName.map { "\($0) <\(message.fromAddress)>" } ?? message.fromAddress
        let view = CardView(
            messageID: message.id.uuidString, subject: subject, fromLine: fromLine,
            toLine: message.toAddresses.joined(separator: ", "),
            receivedAt: DisplayFormat.dateTime(message.receivedAt, locale),
            mailboxName: mailboxName, headerMessageID: message.messageID,
            inReplyTo: message.inReplyTo.isEmpty ? nil : message.inReplyTo.joined(separator: " "),
            snippet: message.snippet,
            verdict: verdict.map { (verdict: MessageClassification) -> VerdictView in
                VerdictView(
                    category: verdict.categoryID.flatMap { categoryByID[$0] }.map(InboxViews.chip),
                    confidence: InboxViews.percent(verdict.confidence),
                    reason: Self.reasonText(verdict, categories: categoryByID, localizer: services.renderer.localizer, locale: locale),
                    source: Self.sourceLabel(verdict.source, text: text), classifiedAt: DisplayFormat.dateTime(verdict.classifiedAt, locale),
                    needsReview: verdict.needsReview, isCorrected: verdict.isCorrected)
            },
            answers: answers, hasAnswers: !answers.isEmpty, senderClient: senderClient,
            actions: actions, hasActions: !actions.isEmpty, hasFailedActions: hasFailed,
            canRetry: hasFailed && AccessPolicy.allows(member.role, .correctClassification),
            canCorrect: AccessPolicy.allows(member.role, .correctClassification),
            categoryChoices: choices, hasCategoryChoices: !choices.isEmpty, needsChoice: !choices.contains { $0.selected },
            backURL: back ?? "/inbox", hasBack: back != nil, back: back ?? "")
        return services.renderer.page("inbox-message", titleKey: "title_inbox_message", content: view, request: request, context: context)
    }

    /// Why, in words: the embedded classifier's fixed reasons in the reader's language (its best
    /// guess by the category's name), a model's as the model wrote it; nil when there is none.
    static func reasonText(_ verdict: MessageClassification, categories: [UUID: InboxCategory], localizer: Localizer,
                           locale: AppLocale) -> String? {
        guard let embedded = EmbeddedReason(verdict) else { return verdict.reason.isEmpty ? nil : verdict.reason }
        switch embedded {
        case .sure:
            return localizer.text("inbox_reason_embedded", locale)
        case .unsure(let guess):
            if let name = guess.flatMap({ categories[$0] })?.name {
                return localizer.text("inbox_reason_embedded_best_guess", locale, values: ["category": name])
            }
            return localizer.text("inbox_reason_embedded_unsure", locale)
        }
    }

    /// Who decided, in words: a model (provider and model), the embedded classifier, a person.
    static func sourceLabel(_ source: String, text: (String) -> String) -> String {
        if source == MessageClassification.correctionSource { return text("inbox_source_user") }
        if source == MessageClassification.embeddedSource { return text("inbox_source_embedded") }
        if source.hasPrefix("llm:") {
            let model = source.dropFirst("llm:".count).replacingOccurrences(of: "/", with: " / ")
            return "\(text("inbox_source_llm")): \(model)"
        }
        if source == "unanswered" { return text("inbox_source_unanswered") }
        return source
    }

    // MARK: Corrections

    /// A person sets the category: the verdict becomes theirs, the message is relabelled in its
    /// mailbox (the `inbox.relabel` job takes the old label off and applies the new rule), and
    /// the correction becomes a training example.
    @Sendable func correct(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.uuidParameter()
        let member = try context.member()
        let scope = TenantScope.tenant(member)
        _ = try await services.inboundMessages.find(id, scope: scope)
        let identity = try context.require(.correctClassification)
        guard let categoryID = UUID(uuidString: context.form["category_id"]),
              let category = try? await services.categories.find(categoryID, scope: scope) else {
            try await services.flash(context, .error, "flash_category_invalid")
            return .seeOther(Self.cardURL(id, context: context))
        }
        let previous = try await services.classifications.classification(forMessage: id, scope: scope)?.categoryID
        _ = try await services.classifications.correct(member, messageID: id, categoryID: category.id)
        try await PipelineJobs.relabel(services.jobs, companyID: member.companyID, messageID: id, previousCategoryID: previous)
        await services.audit.record(kind: "inbox.corrected", identity: identity, context: context, details: [
            "message_id": id.uuidString, "category_id": category.id.uuidString, "category": category.name,
            "previous_category_id": previous?.uuidString ?? "",
        ])
        try await services.flash(context, .success, "flash_category_corrected")
        return .seeOther(Self.cardURL(id, context: context))
    }

    /// Gives the message's failed mailbox actions a fresh set of attempts, and has its mailbox's
    /// pending actions carried out.
    @Sendable func retryLabels(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.uuidParameter()
        let member = try context.member()
        let message = try await services.inboundMessages.find(id, scope: .tenant(member))
        let identity = try context.require(.correctClassification)
        try await services.labelActions.retryFailed(member, messageID: id)
        if let mailboxID = message.mailboxID {
            try await PipelineJobs.label(services.jobs, companyID: member.companyID, mailboxID: mailboxID)
        }
        await services.audit.record(kind: "inbox.labels_retried", identity: identity, context: context, details: ["message_id": id.uuidString])
        try await services.flash(context, .success, "flash_labels_retried")
        return .seeOther(Self.cardURL(id, context: context))
    }

    // MARK: Classifying again

    /// Queues classify jobs for the company's messages that have no verdict (a classify job that
    /// died leaves them so), at once; refused while a classify job of the company is queued,
    /// running or waiting to retry, since it may be working on them. Those who may correct a
    /// category may ask: it is the same kind of redo as retrying a message's labels.
    @Sendable func classifyAgain(_ request: Request, context: AppRequestContext) async throws -> Response {
        let member = try context.member()
        let identity = try context.require(.correctClassification)
        let recovery = UnclassifiedRecovery(messages: services.inboundMessages, queue: services.jobs)
        switch try await recovery.requeueNow(companyID: member.companyID) {
        case .queued(let messages, let jobs):
            await services.audit.record(kind: UnclassifiedRecovery.auditKind, identity: identity, context: context, details: [
                "messages": String(messages), "jobs": String(jobs), "trigger": "button",
            ])
            try await services.flash(context, .success, "flash_classify_again_queued", values: ["messages": String(messages)])
        case .alreadyQueued:
            try await services.flash(context, .error, "flash_classify_again_busy")
        case .nothingWaiting, .backingOff:
            try await services.flash(context, .error, "flash_classify_again_nothing")
        }
        return .seeOther(InboxFilters.validatedBack(context.form["back"]) ?? "/inbox")
    }

    /// The message's card, still carrying the list it was opened from (the form's `back`).
    static func cardURL(_ id: UUID, context: AppRequestContext) -> String {
        "/inbox/\(id.uuidString)" + InboxFilters.cardQuery(back: InboxFilters.validatedBack(context.form["back"]))
    }
}
