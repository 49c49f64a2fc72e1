import Domain
import Foundation
import Logging
import MailProtocols
import Observability
import Storage

/// `inbox.label`: carries out a mailbox's pending label actions. Messages with nothing but labels
/// to apply (nearly all of them) are labelled in batches: one `applyLabels(_:toEach:)` per set of
/// labels and up to `messagesPerLabelCall` messages (on IMAP a FETCH and a STORE for them all),
/// and one write marking their actions done. A message that is also to be marked read or moved
/// goes on its own: labels in one call, then mark-as-read, then the move (last, since it
/// renumbers an IMAP message, and only when nothing before it is left to retry). Where a move
/// took the message is recorded with the move's "done" (`move(_:item:session:companyID:tally:)`),
/// and every later action addresses the message there (`InboundMessage.currentItemID`).
///
/// Each action is marked done, or failed with the reason in plain words; a failure that may pass
/// (a server error, a keyword the folder will not keep yet) stays pending for another attempt, up
/// to `LabelActionRepository.defaultMaximumAttempts`, and the job is retried. What can never work
/// (the message is gone, no folder or several answer to the name to move it to) fails at once.
/// A batch settles each message's failure on its own; an error that fails the whole batch counts
/// against each of its actions. A broken connection or a refused login stops the run, on either
/// path. Actions already done are never pending again, and the connectors skip labels a message
/// has, so nothing is applied twice.
public struct InboxLabelJob: JobHandler {
    public static let kind = InboxJobs.labelKind
    public var kind: String { Self.kind }

    /// Actions per run; a follow-up job takes the rest.
    static let actionsPerRun = 500
    /// Messages per batched label call, so one call is one IMAP FETCH and STORE
    /// (`IMAPClient.defaultBatchSize` UIDs) and one `markDone`.
    static let messagesPerLabelCall = 500

    let mailboxes: MailboxRepository
    let messages: InboundMessageRepository
    let labels: LabelActionRepository
    let queue: JobQueue
    let connectors: any MailboxConnecting
    let audit: any AuditSink
    let now: @Sendable () -> Date

    init(
        mailboxes: MailboxRepository, messages: InboundMessageRepository, labels: LabelActionRepository, queue: JobQueue,
        connectors: any MailboxConnecting, audit: any AuditSink, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.mailboxes = mailboxes
        self.messages = messages
        self.labels = labels
        self.queue = queue
        self.connectors = connectors
        self.audit = audit
        self.now = now
    }

    /// What a run did, for the audit trail and the retry decision.
    struct Tally: Sendable {
        var done = 0
        var failed = 0
        var retrying = 0
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let (payload, companyID) = try InboxJobs.decode(InboxJobs.LabelPayload.self, from: job)
        let mailbox: Mailbox
        do {
            mailbox = try await mailboxes.find(payload.mailboxID, companyID: companyID)
        } catch StorageError.notFound {
            return
        }
        // A paused mailbox is not touched; its actions wait for the resume.
        guard mailbox.isSyncable else { return }
        let pending = try await labels.pending(mailboxID: mailbox.id, companyID: companyID, limit: Self.actionsPerRun)
        guard !pending.isEmpty else { return }
        var stored: [UUID: InboundMessage] = [:]
        for message in try await messages.messages(pending.map(\.messageID), companyID: companyID) {
            stored[message.id] = message
        }
        let credentials: MailboxCredentials
        do {
            credentials = try await mailboxes.credentials(for: mailbox)
        } catch StorageError.notFound {
            return
        }

        var tally = Tally()
        do {
            let session = try await connectors.open(mailbox, credentials: credentials)
            do {
                try await carryOut(pending, stored: stored, session: session, companyID: companyID, tally: &tally)
                await session.close()
            } catch {
                await session.close()
                throw error
            }
        } catch {
            await record(tally, mailbox: mailbox)
            if error is CancellationError { throw error }
            guard MailProblemText.isPermanent(error) else { throw error }
            let problem = MailProblemText.problem(for: error)
            try? await mailboxes.markFailed(mailbox.id, companyID: companyID, error: problem.stored)
            throw PermanentJobFailure(problem.englishText)
        }
        await record(tally, mailbox: mailbox)
        if pending.count >= Self.actionsPerRun {
            try await queue.enqueue(InboxJobs.label(mailboxID: mailbox.id, companyID: companyID))
        }
        if tally.retrying > 0 {
            throw LabelActionsPending(count: tally.retrying)
        }
    }

    /// The actions grouped by message, in the order `pending` gave the messages: first the
    /// messages that only want labels, in batches by label set, then the others one by one.
    func carryOut(_ pending: [LabelAction], stored: [UUID: InboundMessage], session: MailboxSession, companyID: UUID,
                  tally: inout Tally) async throws {
        var order: [UUID] = []
        var byMessage: [UUID: [LabelAction]] = [:]
        for action in pending {
            if byMessage[action.messageID] == nil { order.append(action.messageID) }
            byMessage[action.messageID, default: []].append(action)
        }
        var labelSets: [[String]] = []
        var labelOnly: [[String]: [LabelledMessage]] = [:]
        var oneByOne: [(item: MailboxItemID, actions: [LabelAction])] = []
        for messageID in order {
            let actions = (byMessage[messageID] ?? []).sorted { $0.kind.order < $1.kind.order }
            guard let message = stored[messageID] else {
                for action in actions {
                    try await settle(action, error: MailProblem(.messageNotStored).stored, permanent: true, companyID: companyID, tally: &tally)
                }
                continue
            }
            guard let current = message.currentItemID else {
                let text = MovedMessageText.unreachable(folder: message.movedTo?.folder ?? "")
                for action in actions {
                    try await settle(action, error: text, permanent: true, companyID: companyID, tally: &tally)
                }
                continue
            }
            let item = MailboxItemID(current)
            guard actions.allSatisfy({ $0.kind == .applyLabel }) else {
                oneByOne.append((item: item, actions: actions))
                continue
            }
            let labelSet = Self.labelSet(of: actions)
            if labelOnly[labelSet] == nil { labelSets.append(labelSet) }
            labelOnly[labelSet, default: []].append(LabelledMessage(item: item, actions: actions))
        }

        for labelSet in labelSets {
            let messages = labelOnly[labelSet] ?? []
            for start in stride(from: 0, to: messages.count, by: Self.messagesPerLabelCall) {
                let batch = messages[start..<min(start + Self.messagesPerLabelCall, messages.count)]
                try await label(batch, with: labelSet, session: session, companyID: companyID, tally: &tally)
            }
        }

        for (item, actions) in oneByOne {
            var unfinished = false
            let labelling = actions.filter { $0.kind == .applyLabel }
            if !labelling.isEmpty {
                let labelsPending = try await attempt(labelling, companyID: companyID, tally: &tally) {
                    try await session.connector.applyLabels(labelling.map(\.label), to: item)
                }
                unfinished = unfinished || labelsPending
            }
            for action in actions where action.kind == .markRead {
                let readPending = try await attempt([action], companyID: companyID, tally: &tally) {
                    try await session.markAsRead(item)
                }
                unfinished = unfinished || readPending
            }
            // Each move starts from where the one before left the message.
            var whereNow: MailboxItemID? = item
            for action in actions where action.kind == .move {
                // Moving renumbers the message: whatever is to be retried must happen first.
                guard !unfinished, let from = whereNow else { continue }
                whereNow = try await move(action, item: from, session: session, companyID: companyID, tally: &tally)
            }
        }
    }

    /// A message's labels as the key of its batch: each spelling once, sorted. Letter case is
    /// kept on purpose: `KeywordMapping` gives "Клиент" and "клиент" different IMAP keywords, and
    /// a batch sends one spelling for all its messages, so merging them would change which
    /// keyword a message gets.
    static func labelSet(of actions: [LabelAction]) -> [String] {
        Set(actions.map(\.label)).sorted()
    }

    /// One batched call for messages that want the same labels, and its outcome recorded: the
    /// labelled messages' actions marked done in one write, each failed message's actions settled
    /// as a single call's failure would be. An error thrown for the whole batch (the folder keeps
    /// no keywords, the server refused the STORE) is settled against every action in it.
    private func label(_ batch: ArraySlice<LabelledMessage>, with labelSet: [String], session: MailboxSession, companyID: UUID,
                       tally: inout Tally) async throws {
        let failures: [MailboxItemID: any Error]
        do {
            failures = try await session.connector.applyLabels(labelSet, toEach: batch.map(\.item))
        } catch {
            _ = try await settle(batch.flatMap(\.actions), after: error, companyID: companyID, tally: &tally)
            return
        }
        let done = batch.filter { failures[$0.item] == nil }.flatMap(\.actions)
        if !done.isEmpty {
            try await labels.markDone(done.map(\.id), companyID: companyID)
            tally.done += done.count
        }
        for message in batch {
            guard let error = failures[message.item] else { continue }
            _ = try await settle(message.actions, after: error, companyID: companyID, tally: &tally)
        }
    }

    /// Runs `operation` for `actions` and records the outcome. Returns whether they stay pending
    /// for another attempt. Connection problems and refused logins are thrown: the whole run stops.
    private func attempt(_ actions: [LabelAction], companyID: UUID, tally: inout Tally,
                         _ operation: () async throws -> Void) async throws -> Bool {
        do {
            try await operation()
        } catch {
            return try await settle(actions, after: error, companyID: companyID, tally: &tally)
        }
        try await labels.markDone(actions.map(\.id), companyID: companyID)
        tally.done += actions.count
        return false
    }

    /// Records `error` as a failed attempt of each action (at once for good when it can never
    /// work); returns whether any stays pending. Cancellation, connection problems and refused
    /// logins are thrown instead, unrecorded: the whole run stops and the actions are not counted
    /// as failed attempts.
    func settle(_ actions: [LabelAction], after error: any Error, companyID: UUID, tally: inout Tally) async throws -> Bool {
        if error is CancellationError || MailProblemText.isConnectionProblem(error) || MailProblemText.isPermanent(error) {
            throw error
        }
        var stillPending = false
        for action in actions {
            let pending = try await settle(
                action, error: MailProblemText.problem(for: error).stored, permanent: MailProblemText.isPermanentForAction(error),
                companyID: companyID, tally: &tally)
            stillPending = stillPending || pending
        }
        return stillPending
    }

    /// Records a failed attempt; returns whether the action stays pending.
    @discardableResult
    private func settle(_ action: LabelAction, error: String, permanent: Bool, companyID: UUID, tally: inout Tally) async throws -> Bool {
        let updated: LabelAction
        if permanent {
            updated = try await labels.markFailed(action.id, companyID: companyID, error: error, maximumAttempts: 1)
        } else {
            updated = try await labels.markFailed(action.id, companyID: companyID, error: error)
        }
        if updated.status == .pending {
            tally.retrying += 1
            return true
        }
        tally.failed += 1
        return false
    }

    private func record(_ tally: Tally, mailbox: Mailbox) async {
        guard tally.done + tally.failed + tally.retrying > 0 else { return }
        await audit.record(AuditEvent(
            time: now(), kind: "inbox.labelled", companyID: mailbox.companyID,
            details: [
                "mailbox_id": mailbox.id.uuidString, "done": String(tally.done), "failed": String(tally.failed),
                "retrying": String(tally.retrying),
            ]))
    }
}

/// A message of a batched label call: where the connector finds it, and its label actions.
struct LabelledMessage: Sendable {
    let item: MailboxItemID
    let actions: [LabelAction]
}

/// Some label actions failed and wait for another attempt: the job is retried later.
struct LabelActionsPending: Error, CustomStringConvertible {
    let count: Int
    var description: String { "\(count) label action(s) failed and will be tried again" }
}
