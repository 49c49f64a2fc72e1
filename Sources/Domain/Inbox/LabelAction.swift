import Foundation

/// One thing done to a message in its mailbox.
public enum LabelActionKind: String, Sendable, Codable, CaseIterable {
    /// Add a label (Gmail label, IMAP keyword, Outlook category); `label` names it.
    case applyLabel = "apply_label"
    /// Set the \Seen flag; `label` is empty.
    case markRead = "mark_read"
    /// Move to a folder; `label` names the folder.
    case move

    /// Order within one message: labels and flags first, the move last, because a move gives
    /// an IMAP message a new UID in another folder and later actions would miss it.
    public var order: Int {
        switch self {
        case .applyLabel: 0
        case .markRead: 1
        case .move: 2
        }
    }
}

public enum LabelActionStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case done
    /// Gave up after the last attempt; `lastError` says why, and the message card shows it.
    case failed
}

/// An action recorded for a message: queued, then done or failed. One row per idempotency key,
/// so running the rules again never applies anything twice.
public struct LabelAction: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID
    public let messageID: UUID
    /// `nil` once the mailbox was removed.
    public let mailboxID: UUID?
    public let kind: LabelActionKind
    public let label: String
    public var status: LabelActionStatus
    public var attempts: Int
    public var lastError: String?
    public let createdAt: Date
    public var updatedAt: Date
    public var doneAt: Date?

    public init(
        id: UUID, companyID: UUID, messageID: UUID, mailboxID: UUID?, kind: LabelActionKind, label: String,
        status: LabelActionStatus, attempts: Int, lastError: String?, createdAt: Date, updatedAt: Date, doneAt: Date?
    ) {
        self.id = id
        self.companyID = companyID
        self.messageID = messageID
        self.mailboxID = mailboxID
        self.kind = kind
        self.label = label
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.doneAt = doneAt
    }

    public var idempotencyKey: String { NewLabelAction.idempotencyKey(messageID: messageID, kind: kind, label: label) }
}

/// An action to record. Two with the same message, kind and label are the same action.
public struct NewLabelAction: Sendable, Hashable {
    public let messageID: UUID
    public let kind: LabelActionKind
    public let label: String

    public init(messageID: UUID, kind: LabelActionKind, label: String) {
        self.messageID = messageID
        self.kind = kind
        self.label = kind == .markRead ? "" : label.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func applyLabel(_ label: String, to messageID: UUID) -> NewLabelAction {
        NewLabelAction(messageID: messageID, kind: .applyLabel, label: label)
    }

    public static func markRead(_ messageID: UUID) -> NewLabelAction {
        NewLabelAction(messageID: messageID, kind: .markRead, label: "")
    }

    public static func move(_ messageID: UUID, to folder: String) -> NewLabelAction {
        NewLabelAction(messageID: messageID, kind: .move, label: folder)
    }

    public var idempotencyKey: String { Self.idempotencyKey(messageID: messageID, kind: kind, label: label) }

    public static func idempotencyKey(messageID: UUID, kind: LabelActionKind, label: String) -> String {
        "\(messageID.uuidString.lowercased())|\(kind.rawValue)|\(label)"
    }
}

/// Turns a verdict into mailbox actions by the tenant's rules.
public enum LabelPlan {
    /// The actions for one message: the "needs review" label when the verdict is unsure; nothing
    /// without a category or with the rule off; otherwise the rule's actions, move last.
    public static func actions(
        for classification: MessageClassification, category: InboxCategory?, rule: InboxRule?, settings: InboxSettings
    ) -> [NewLabelAction] {
        let messageID = classification.messageID
        if classification.needsReview {
            return [.applyLabel(settings.needsReviewLabel, to: messageID)]
        }
        guard let category, category.id == classification.categoryID, let rule, rule.isEnabled,
              rule.categoryID == category.id else { return [] }
        var actions: [NewLabelAction] = []
        if rule.actions.applyLabel { actions.append(.applyLabel(category.labelName, to: messageID)) }
        if rule.actions.markAsRead { actions.append(.markRead(messageID)) }
        if let folder = rule.actions.moveToFolder, !folder.isEmpty { actions.append(.move(messageID, to: folder)) }
        return actions
    }
}
