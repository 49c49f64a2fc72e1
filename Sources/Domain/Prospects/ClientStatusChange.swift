import Foundation

/// One move of a client along the pipeline: by a person on the card (with a comment, which
/// "lost" requires), or by enrichment (`changedBy` nil).
public struct ClientStatusChange: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let clientID: UUID
    public let from: ClientStatus
    public let to: ClientStatus
    /// The user who moved it; nil when the product did (enrichment).
    public let changedBy: UUID?
    /// Their name now; nil when the product moved it or the user is gone.
    public let changedByName: String?
    public let comment: String?
    public let changedAt: Date

    public init(id: UUID, clientID: UUID, from: ClientStatus, to: ClientStatus, changedBy: UUID?, changedByName: String?, comment: String?,
                changedAt: Date) {
        self.id = id
        self.clientID = clientID
        self.from = from
        self.to = to
        self.changedBy = changedBy
        self.changedByName = changedByName
        self.comment = comment
        self.changedAt = changedAt
    }

    /// The longest comment kept.
    public static let maximumCommentLength = 1_000

    /// A comment checked for `to`: required when the client is lost (the reason), optional
    /// otherwise; trimmed, nil when empty.
    public static func comment(_ text: String, to status: ClientStatus, field: String, into errors: inout FieldErrors) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if status == .lost { errors.add(field, "validation_status_lost_reason") }
            return nil
        }
        if trimmed.count > maximumCommentLength {
            errors.add(field, "validation_too_long")
            return nil
        }
        return trimmed
    }
}
