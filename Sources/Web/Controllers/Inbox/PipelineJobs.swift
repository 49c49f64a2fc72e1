import Domain
import Foundation
import Storage
import Workers

/// The inbox pipeline's jobs as the web side starts them. The kinds and payloads are the
/// pipeline's contract (its handlers in Workers decode exactly these); the web never runs them.
/// Their priorities are the pipeline's (`InboxJobs.syncPriority` and the rest): the web and the
/// workers renew the same polling schedule, and a different priority would flip it each time.
enum PipelineJobs {
    static let syncKind = "inbox.sync"
    static let relabelKind = "inbox.relabel"
    static let labelKind = "inbox.label"

    /// `{"mailboxID": …}`: a sync or a label job of one mailbox.
    struct MailboxPayload: Codable, Equatable {
        let mailboxID: UUID
    }

    /// `previousCategoryID` is written as `null` when there was none, never left out.
    struct RelabelPayload: Codable, Equatable {
        let messageID: UUID
        let previousCategoryID: UUID?

        enum CodingKeys: String, CodingKey {
            case messageID
            case previousCategoryID
        }

        init(messageID: UUID, previousCategoryID: UUID?) {
            self.messageID = messageID
            self.previousCategoryID = previousCategoryID
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messageID, forKey: .messageID)
            try container.encode(previousCategoryID, forKey: .previousCategoryID)
        }
    }

    /// One polling schedule per mailbox; the key is the pipeline's (`InboxScheduling`), so the
    /// web and the workers renew the same row.
    static func scheduleKey(_ mailboxID: UUID) -> String {
        "inbox.sync.\(mailboxID.uuidString.lowercased())"
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Polls the mailbox every `interval` seconds (`--sync-interval-seconds`, the same the workers
    /// are given) from now on and syncs it at once: after it was added, resumed or changed.
    /// Every run acts for the mailbox's company.
    static func startSync(_ jobs: JobQueue, mailbox: Mailbox, every interval: TimeInterval) async throws {
        let payload = try json(MailboxPayload(mailboxID: mailbox.id))
        try await jobs.schedule(key: scheduleKey(mailbox.id), kind: syncKind, every: interval, payload: payload, companyID: mailbox.companyID,
                                priority: InboxJobs.syncPriority)
        try await jobs.enqueue(NewJob(kind: syncKind, companyID: mailbox.companyID, payload: payload, priority: InboxJobs.syncPriority))
    }

    /// No more polling: the mailbox was paused or removed. (A sync that finds it so would stop
    /// the schedule too; this only does it at once.)
    static func stopSync(_ jobs: JobQueue, mailboxID: UUID) async throws {
        try await jobs.unschedule(key: scheduleKey(mailboxID))
    }

    /// One sync now, for "sync now".
    static func syncNow(_ jobs: JobQueue, mailbox: Mailbox) async throws {
        try await jobs.enqueue(NewJob(kind: syncKind, companyID: mailbox.companyID, payload: try json(MailboxPayload(mailboxID: mailbox.id)),
                                      priority: InboxJobs.syncPriority))
    }

    /// Carries out the mailbox's pending label actions (after a person asked to retry failed ones).
    static func label(_ jobs: JobQueue, companyID: UUID, mailboxID: UUID) async throws {
        try await jobs.enqueue(NewJob(kind: labelKind, companyID: companyID, payload: try json(MailboxPayload(mailboxID: mailboxID)),
                                      priority: InboxJobs.labelPriority))
    }

    /// Writes a corrected category back into the mailbox (the old label off, the new one on).
    static func relabel(_ jobs: JobQueue, companyID: UUID, messageID: UUID, previousCategoryID: UUID?) async throws {
        let payload = try json(RelabelPayload(messageID: messageID, previousCategoryID: previousCategoryID))
        try await jobs.enqueue(NewJob(kind: relabelKind, companyID: companyID, payload: payload, priority: InboxJobs.relabelPriority))
    }
}
