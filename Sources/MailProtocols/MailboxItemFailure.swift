/// Which labelling errors belong to one message and which to the whole call, for
/// `MailboxConnector.applyLabels(_:toEach:)`: a batch reports the first kind per item and goes on
/// with the other items, and stops at the second kind, because the next item would fail alike.
///
/// One item's failure: the message cannot be found under its id (`IMAPConnectorError.itemNotFound`,
/// `.staleItem` after a UIDVALIDITY change, `.invalidItemID` for another connector's id), or
/// Exchange answered for that item alone (`EWSError.itemError`, e.g. ErrorItemNotFound, and a
/// `.changeKeyConflict` left after the retry: the item keeps changing under us).
///
/// Everything else stops the batch: a broken or refused connection, a refused login, the folder
/// keeping no new keywords (`IMAPConnectorError.labelsNotSupported`), a server refusing the
/// command itself (`IMAPError.commandFailed`, `.throttled`), cancellation, and anything unknown.
/// Unknown errors are rethrown on purpose: a caller that sees them thrown treats the whole batch
/// as failed and retries it, which is safe; treated as one item's they could hide an outage
/// behind hundreds of per-item failures. The label worker (`MailProblemText`) then decides, as
/// for a single call, whether the run stops (connection, login) or the batch's actions are
/// retried or failed.
public enum MailboxItemFailure {
    /// Whether `error`, thrown while labelling one item, concerns that item only.
    public static func concernsOneItem(_ error: any Error) -> Bool {
        switch error {
        case let connector as IMAPConnectorError:
            switch connector {
            case .itemNotFound, .staleItem, .invalidItemID: return true
            case .labelsNotSupported, .foreignCheckpoint: return false
            }
        case let ews as EWSError:
            switch ews {
            case .itemError, .changeKeyConflict: return true
            default: return false
            }
        default:
            return false
        }
    }
}
