/// What `IMAPMailboxConnector` refuses on its own account; the server's and the connection's
/// failures stay `IMAPError` and `SMTPError`.
public enum IMAPConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Labels cannot be stored as keywords in this folder: PERMANENTFLAGS lacks `\*` (the server
    /// keeps no new keywords) or the folder is read-only. Retrying will not help.
    case labelsNotSupported(folder: String, reason: String)
    /// The message is no longer in the folder (deleted or moved), nor on Gmail in All Mail.
    case itemNotFound(MailboxItemID)
    /// The folder's UIDVALIDITY changed since the id was made: its UID means nothing now.
    case staleItem(MailboxItemID)
    /// Not an id the IMAP connector made.
    case invalidItemID(MailboxItemID)
    /// A checkpoint of another connector (EWS) was given.
    case foreignCheckpoint

    public var description: String {
        switch self {
        case .labelsNotSupported(let folder, let reason):
            "labels cannot be stored in \"\(folder)\" on this server: \(reason)"
        case .itemNotFound(let item):
            "the message \(item.rawValue) is no longer in the mailbox"
        case .staleItem(let item):
            "the message id \(item.rawValue) is from before the folder's UIDVALIDITY changed"
        case .invalidItemID(let item):
            "\"\(item.rawValue)\" is not an IMAP message id"
        case .foreignCheckpoint:
            "a checkpoint of another mailbox kind was given to the IMAP connector"
        }
    }
}
