/// What SELECT or EXAMINE reported: the facts an incremental sync keys on.
public struct MailboxStatus: Sendable, Equatable {
    public var name: String
    /// When it differs from the saved value, every saved UID of this folder is void: drop
    /// them and resync.
    public var uidValidity: UInt32
    /// The UID the next message will get; `nil` when the server did not say.
    public var uidNext: UInt32?
    /// Present when the server does CONDSTORE; changes to flags since a saved value can then be
    /// fetched with `changes(sinceModSeq:)`.
    public var highestModSeq: UInt64?
    public var messageCount: Int
    public var recentCount: Int
    public var flags: [String]
    public var permanentFlags: [String]
    public var isReadOnly: Bool

    public init(name: String, uidValidity: UInt32, uidNext: UInt32? = nil, highestModSeq: UInt64? = nil,
                messageCount: Int = 0, recentCount: Int = 0, flags: [String] = [], permanentFlags: [String] = [],
                isReadOnly: Bool = false) {
        self.name = name
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.messageCount = messageCount
        self.recentCount = recentCount
        self.flags = flags
        self.permanentFlags = permanentFlags
        self.isReadOnly = isReadOnly
    }

    /// `\*` in PERMANENTFLAGS: new keywords can be stored. Without it, labels-as-keywords
    /// will not stick on this folder.
    public var acceptsNewKeywords: Bool {
        permanentFlags.contains("\\*")
    }
}
