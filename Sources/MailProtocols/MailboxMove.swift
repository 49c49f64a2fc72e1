/// What a move did to a message, and how to find it afterwards. Moving renames a message on most
/// servers: an IMAP message gets a new UID in the folder it went to, an Exchange item a new
/// ItemId; the id it had is void. Whoever keeps ids must keep the new one, or nothing more can
/// be done to the message (a corrected category could not change its labels).
public struct MailboxMove: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        /// The message keeps its id: Gmail's X-GM-MSGID is the same under every label, and a
        /// move into the folder the message is in does nothing.
        case unchanged
        /// Its id in the folder it went to, for every later call about it.
        case moved(MailboxItemID)
        /// It went, but the server did not say under which id and it could not be found there;
        /// why, in plain words.
        case unknown(String)
    }

    public var location: Location
    /// The original stays where it was, marked `\Deleted`: only on an IMAP server with neither
    /// MOVE nor UIDPLUS, where expunging it would also expunge what the user marked deleted.
    public var originalLeftBehind: Bool

    public init(location: Location, originalLeftBehind: Bool = false) {
        self.location = location
        self.originalLeftBehind = originalLeftBehind
    }
}
