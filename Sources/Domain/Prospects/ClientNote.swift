import Foundation

/// A tenant's private note on a client. Notes are the one kind of tenant data the platform
/// scope may never read: their repository takes a `TenantMember`, not a `TenantScope`.
public struct ClientNote: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let clientID: UUID
    public let authorID: UUID
    /// The author's name when the note was read (nil when the user is gone).
    public let authorName: String?
    public let body: String
    public let createdAt: Date

    public init(id: UUID, clientID: UUID, authorID: UUID, authorName: String?, body: String, createdAt: Date) {
        self.id = id
        self.clientID = clientID
        self.authorID = authorID
        self.authorName = authorName
        self.body = body
        self.createdAt = createdAt
    }

    /// Longer notes are refused with a field error rather than cut.
    public static let maximumLength = 10_000
}
