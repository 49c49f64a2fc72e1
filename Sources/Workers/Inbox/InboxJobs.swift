import Domain
import Foundation

/// The inbox pipeline's job kinds and their payloads. The web UI enqueues some of them (a sync
/// after a mailbox is added or resumed, a relabel after a correction, classify jobs through
/// `UnclassifiedRecovery` for "Classify again"), so the kinds and the JSON keys are a contract:
/// `{"mailboxID": …}`, `{"messageIDs": […]}`, `{"messageID": …, "previousCategoryID": … or
/// null}`. Every inbox job carries its tenant in `Job.companyID`.
public enum InboxJobs {
    /// One sync round of one mailbox: new mail stored, classify jobs queued.
    public static let syncKind = "inbox.sync"
    /// Classify stored messages and plan their label actions.
    public static let classifyKind = "inbox.classify"
    /// Carry out a mailbox's pending label actions.
    public static let labelKind = "inbox.label"
    /// A person corrected a message's category: take the old label off, put the new one on.
    public static let relabelKind = "inbox.relabel"

    public static let allKinds = [syncKind, classifyKind, labelKind, relabelKind]

    /// Messages named by one classify job: an IMAP sync batch (`IMAPMailboxSettings.batchSize`).
    /// A job's own work (its claim and finish, the tenant's settings, categories, classifier
    /// and rules, a label job queued) is the same for 50 messages as for 200. An LLM sees no
    /// difference: the engine sends a job's messages in batches of its own size.
    public static let classifyChunkSize = 200

    // MARK: Priorities

    // Among due jobs the queue takes the highest priority first (`NewJob.priority`). The order
    // follows what a person waits for, and what unblocks the most work:
    //
    // - A sync first. A sync that stores a batch queues its classify jobs and then its own
    //   continuation; in due order that continuation would wait behind every classify job of the
    //   batch, and an import of thousands of messages would crawl. New mail shown in the inbox is
    //   the first thing a person sees. A mailbox usually has one sync due at a time (its
    //   continuation, or a poll), so with several workers the classify jobs still run beside
    //   it. Polls and IDLE's syncs share the priority: they are how new mail arrives at all.
    // - A relabel next: it is a person's correction, and they are looking at it.
    // - Label and classify at 0, with the rest of the platform's jobs. Classify is the bulk of
    //   the work, and a priority above 0 would let a large import hold back a prospect search
    //   someone started. Label stays level with it on purpose: a label job writes every pending
    //   label of its mailbox, so in due order the label jobs of a big import find most of the
    //   mailbox's labels waiting and write them in a few large batches. Ranked above classify,
    //   each ran right after its own classify job of 50 messages, with its own login, and
    //   `scripts/bench pipeline` fell from 346 to 294 messages/s.

    /// `inbox.sync`, its continuations and its polling schedule.
    public static let syncPriority = 20
    /// `inbox.relabel`.
    public static let relabelPriority = 10
    /// `inbox.label`.
    public static let labelPriority = 0
    /// `inbox.classify`.
    public static let classifyPriority = 0

    public struct SyncPayload: Codable, Sendable, Equatable {
        public var mailboxID: UUID

        public init(mailboxID: UUID) {
            self.mailboxID = mailboxID
        }
    }

    public struct ClassifyPayload: Codable, Sendable, Equatable {
        public var messageIDs: [UUID]

        public init(messageIDs: [UUID]) {
            self.messageIDs = messageIDs
        }
    }

    public struct LabelPayload: Codable, Sendable, Equatable {
        public var mailboxID: UUID

        public init(mailboxID: UUID) {
            self.mailboxID = mailboxID
        }
    }

    public struct RelabelPayload: Codable, Sendable, Equatable {
        public var messageID: UUID
        /// The category the message had before the correction; `nil` when it had none.
        public var previousCategoryID: UUID?

        public init(messageID: UUID, previousCategoryID: UUID?) {
            self.messageID = messageID
            self.previousCategoryID = previousCategoryID
        }

        enum CodingKeys: String, CodingKey {
            case messageID, previousCategoryID
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messageID = try container.decode(UUID.self, forKey: .messageID)
            previousCategoryID = try container.decodeIfPresent(UUID.self, forKey: .previousCategoryID)
        }

        /// `previousCategoryID` is always written, as `null` when there is none.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messageID, forKey: .messageID)
            try container.encode(previousCategoryID, forKey: .previousCategoryID)
        }
    }

    // MARK: Jobs ready to enqueue

    /// A sync of `mailboxID` now (or at `runAt`).
    public static func sync(mailboxID: UUID, companyID: UUID, runAt: Date? = nil) -> NewJob {
        NewJob(kind: syncKind, companyID: companyID, payload: encode(SyncPayload(mailboxID: mailboxID)), runAt: runAt, priority: syncPriority)
    }

    public static func classify(messageIDs: [UUID], companyID: UUID) -> NewJob {
        NewJob(kind: classifyKind, companyID: companyID, payload: encode(ClassifyPayload(messageIDs: messageIDs)), priority: classifyPriority)
    }

    /// Classify jobs for `messageIDs`, `classifyChunkSize` messages each.
    public static func classifyJobs(messageIDs: [UUID], companyID: UUID) -> [NewJob] {
        stride(from: 0, to: messageIDs.count, by: classifyChunkSize).map {
            classify(messageIDs: Array(messageIDs[$0..<min($0 + classifyChunkSize, messageIDs.count)]), companyID: companyID)
        }
    }

    public static func label(mailboxID: UUID, companyID: UUID) -> NewJob {
        NewJob(kind: labelKind, companyID: companyID, payload: encode(LabelPayload(mailboxID: mailboxID)), priority: labelPriority)
    }

    /// What the web UI enqueues after `ClassificationRepository.correct`.
    public static func relabel(messageID: UUID, previousCategoryID: UUID?, companyID: UUID) -> NewJob {
        NewJob(kind: relabelKind, companyID: companyID,
               payload: encode(RelabelPayload(messageID: messageID, previousCategoryID: previousCategoryID)), priority: relabelPriority)
    }

    // MARK: Payload text

    public static func syncPayload(mailboxID: UUID) -> String {
        encode(SyncPayload(mailboxID: mailboxID))
    }

    /// JSON with sorted keys and UUIDs as Foundation writes them.
    static func encode<Payload: Encodable>(_ payload: Payload) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(payload) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The payload of an inbox job and its tenant; anything unreadable will never run, so the
    /// job goes straight to `dead`.
    static func decode<Payload: Decodable>(_ type: Payload.Type, from job: Job) throws -> (payload: Payload, companyID: UUID) {
        guard let companyID = job.companyID else {
            throw PermanentJobFailure("\(job.kind) job without a company")
        }
        do {
            return (try JSONDecoder().decode(type, from: Data(job.payload.utf8)), companyID)
        } catch {
            throw PermanentJobFailure("\(job.kind) job with an unreadable payload: \(error)")
        }
    }
}
