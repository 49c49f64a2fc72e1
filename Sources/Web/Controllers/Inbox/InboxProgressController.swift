import Domain
import Foundation
import Hummingbird
import Storage

/// The figures of running syncs and classification as a small JSON document, for the pages
/// that show them to update without reloading (`app.js` polls it every few seconds; the rate is
/// worked out there over the answers of the last 30 seconds). The pages render the same figures
/// on load: the inbox shows every mailbox's status line too, for those who cannot open /mailboxes.
struct InboxProgressController {
    let services: WebServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/inbox/progress", use: progress)
    }

    struct MailboxProgress: Encodable {
        let id: String
        let status: String
        let statusLabel: String
        let messagesStored: Int
        /// ISO 8601, or `null` before the first sync.
        let lastSyncAt: String?
        /// The same moment as the pages show it, or `null`.
        let lastSync: String?
        /// Why the mailbox is in error, or `null` when it is not (the page then hides the old reason).
        let lastError: String?
        /// The server's own words under that reason, or `null`.
        let lastErrorDetail: String?

        enum CodingKeys: String, CodingKey {
            case id, status, statusLabel, messagesStored, lastSyncAt, lastSync, lastError, lastErrorDetail
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
            try container.encode(statusLabel, forKey: .statusLabel)
            try container.encode(messagesStored, forKey: .messagesStored)
            try container.encode(lastSyncAt, forKey: .lastSyncAt)
            try container.encode(lastSync, forKey: .lastSync)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(lastErrorDetail, forKey: .lastErrorDetail)
        }
    }

    struct Totals: Encodable {
        let messages: Int
        let needsReview: Int
        let failedLabels: Int
        let unclassified: Int
        let queuedJobs: Int
    }

    struct Progress: Encodable {
        let mailboxes: [MailboxProgress]
        let totals: Totals
        let generatedAt: String
    }

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.viewInbox)
        let member = try context.member()
        let scope = TenantScope.tenant(member)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let iso = ISO8601DateFormatter()
        let mailboxes = try await services.mailboxes.list(scope).map { (mailbox: Mailbox) -> MailboxProgress in
            let problem = InboxViews.lastError(mailbox, localizer: services.renderer.localizer, locale: locale)
            return MailboxProgress(
                id: mailbox.id.uuidString, status: mailbox.status.rawValue, statusLabel: InboxViews.statusLabel(mailbox.status, text),
                messagesStored: mailbox.messagesStored, lastSyncAt: mailbox.lastSyncAt.map { iso.string(from: $0) },
                lastSync: mailbox.lastSyncAt.map { DisplayFormat.dateTime($0, locale) },
                lastError: problem?.sentence, lastErrorDetail: problem?.detail)
        }
        let attention = try await services.inboundMessages.attentionCounts(scope)
        let jobs = try await services.jobs.counts(scope)
        let progress = Progress(
            mailboxes: mailboxes,
            totals: Totals(messages: attention.total, needsReview: attention.needsReview, failedLabels: attention.failedLabels,
                           unclassified: attention.unclassified, queuedJobs: (jobs[.queued] ?? 0) + (jobs[.running] ?? 0)),
            generatedAt: iso.string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(progress), as: UTF8.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
