import Domain
import Foundation
import Logging
import MailProtocols
import Observability
import Storage

/// `inbox.relabel`: a person corrected a message's category (`ClassificationRepository.correct`
/// has saved it). The previous category's label and the "needs review" label come off the
/// message (IMAP keywords or Gmail labels, Outlook categories; a connector that cannot take
/// labels off has the removal skipped and noted), and the new category's actions are planned by the
/// tenant's rules and carried out by an `inbox.label` job. A label of the new category that was
/// applied once before (a correction back to it) is put on again here: its action is on record
/// as done, so the label job would not repeat it. A message a rule moved is changed where it is
/// now (`InboundMessage.currentItemID`): in the folder it went to, under the id it got there.
public struct InboxRelabelJob: JobHandler {
    public static let kind = InboxJobs.relabelKind
    public var kind: String { Self.kind }

    let mailboxes: MailboxRepository
    let messages: InboundMessageRepository
    let categories: CategoryRepository
    let rules: RuleRepository
    let classifications: ClassificationRepository
    let labels: LabelActionRepository
    let queue: JobQueue
    let connectors: any MailboxConnecting
    let audit: any AuditSink
    let now: @Sendable () -> Date

    init(
        mailboxes: MailboxRepository, messages: InboundMessageRepository, categories: CategoryRepository, rules: RuleRepository,
        classifications: ClassificationRepository, labels: LabelActionRepository, queue: JobQueue, connectors: any MailboxConnecting,
        audit: any AuditSink, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.mailboxes = mailboxes
        self.messages = messages
        self.categories = categories
        self.rules = rules
        self.classifications = classifications
        self.labels = labels
        self.queue = queue
        self.connectors = connectors
        self.audit = audit
        self.now = now
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let (payload, companyID) = try InboxJobs.decode(InboxJobs.RelabelPayload.self, from: job)
        guard let message = try await messages.messages([payload.messageID], companyID: companyID).first,
              let mailboxID = message.mailboxID,
              let verdict = try await classifications.classifications([message.id], companyID: companyID).first else { return }
        let mailbox: Mailbox
        do {
            mailbox = try await mailboxes.find(mailboxID, companyID: companyID)
        } catch StorageError.notFound {
            return
        }
        let settings = try await rules.settings(companyID: companyID)
        let active = try await categories.activeCategories(companyID: companyID)
        let byID = Dictionary(active.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let ruleOf = Dictionary(try await rules.rules(companyID: companyID).map { ($0.categoryID, $0) }, uniquingKeysWith: { first, _ in first })

        let planned = LabelPlan.actions(
            for: verdict, category: verdict.categoryID.flatMap { byID[$0] }, rule: verdict.categoryID.flatMap { ruleOf[$0] },
            settings: settings)
        let plannedLabels = Set(planned.filter { $0.kind == .applyLabel }.map { $0.label.lowercased() })
        var removals: [String] = []
        if let previous = payload.previousCategoryID, previous != verdict.categoryID, let category = byID[previous] {
            removals.append(category.labelName)
        }
        if !verdict.needsReview { removals.append(settings.needsReviewLabel) }
        removals = removals.filter { !plannedLabels.contains($0.lowercased()) }

        let created = try await labels.enqueue(planned, companyID: companyID)
        let createdKeys = Set(created.map(\.idempotencyKey))
        let reapply = planned.filter { $0.kind == .applyLabel && !createdKeys.contains($0.idempotencyKey) }.map(\.label)

        var note = ""
        if mailbox.isSyncable, !removals.isEmpty || !reapply.isEmpty {
            note = try await edit(message, in: mailbox, removing: removals, reapplying: reapply, logger: context.logger)
        }
        if !created.isEmpty {
            try await queue.enqueue(InboxJobs.label(mailboxID: mailbox.id, companyID: companyID))
        }
        var details = [
            "message_id": message.id.uuidString,
            "category_id": verdict.categoryID?.uuidString ?? "",
            "labels_removed": String(removals.count),
            "actions_planned": String(created.count),
        ]
        if !note.isEmpty { details["note"] = note }
        await audit.record(AuditEvent(time: now(), kind: "inbox.relabelled", companyID: companyID, details: details))
    }

    /// Takes `removing` off and puts `reapplying` on in the mailbox. Returns a note for the audit
    /// trail when something could not be done; a message that is gone from the mailbox is not an
    /// error (there is nothing left to label).
    private func edit(_ message: InboundMessage, in mailbox: Mailbox, removing: [String], reapplying: [String],
                      logger: Logger) async throws -> String {
        guard let current = message.currentItemID else {
            // A note for the audit trail, which operators read: in English.
            return MailProblem(.movedUnreachable, values: [MailProblem.folder: message.movedTo?.folder ?? ""]).englishText
        }
        let credentials: MailboxCredentials
        do {
            credentials = try await mailboxes.credentials(for: mailbox)
        } catch StorageError.notFound {
            return ""
        }
        let item = MailboxItemID(current)
        var notes: [String] = []
        do {
            let session = try await connectors.open(mailbox, credentials: credentials)
            do {
                if !removing.isEmpty {
                    if session.canRemoveLabels {
                        try await session.removeLabels(removing, from: item)
                    } else {
                        notes.append("the previous label stays: this mailbox cannot take labels off")
                    }
                }
                if !reapplying.isEmpty {
                    try await session.connector.applyLabels(reapplying, to: item)
                }
                await session.close()
            } catch {
                await session.close()
                throw error
            }
        } catch {
            if error is CancellationError || MailProblemText.isConnectionProblem(error) { throw error }
            if MailProblemText.isPermanent(error) {
                let problem = MailProblemText.problem(for: error)
                try? await mailboxes.markFailed(mailbox.id, companyID: mailbox.companyID, error: problem.stored)
                throw PermanentJobFailure(problem.englishText)
            }
            guard MailProblemText.isPermanentForAction(error) else { throw error }
            logger.info("relabel: the message cannot be changed in the mailbox", metadata: ["error": "\(error)"])
            notes.append(MailProblemText.text(for: error))
        }
        return notes.joined(separator: "; ")
    }
}
