/// How `IMAPMailboxConnector` names a message in a `MailboxItemID`:
///
/// - `gmail:<X-GM-MSGID>` on Gmail, e.g. `gmail:1278455344230334865`. Gmail's message id is the
///   same in every folder and survives a UIDVALIDITY change, so the id is stable: the message is
///   found again by `UID SEARCH X-GM-MSGID` (in All Mail when it has left the folder), also after
///   a move.
/// - `imap:<UIDVALIDITY>:<UID>` elsewhere, e.g. `imap:1712345678:42`, for a message in the
///   connector's folder. Valid while the folder keeps its UIDVALIDITY; after a change `fetchNew`
///   lists the messages again under new ids, and a caller that deduplicates by Message-ID should
///   move its stored id to the new one (the old one then fails with
///   `IMAPConnectorError.staleItem`).
/// - `imap:<UIDVALIDITY>:<UID>:<folder>` for a message in another folder, e.g.
///   `imap:1712345679:7:Archive/2025`: where `move(_:to:)` put it. The folder comes last, as the
///   rule named it, so a `:` in its name needs no escaping.
public enum IMAPItemID: Sendable, Hashable, CustomStringConvertible {
    case uid(uidValidity: UInt32, uid: UInt32)
    case uidInFolder(folder: String, uidValidity: UInt32, uid: UInt32)
    case gmail(messageID: UInt64)

    /// `nil` when the id was not made by the IMAP connector.
    public init?(_ item: MailboxItemID) {
        let parts = item.rawValue.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map { String($0) }
        switch parts.first {
        case "imap"?:
            guard parts.count == 3 || parts.count == 4, let validity = Self.number(parts[1], as: UInt32.self),
                  let uid = Self.number(parts[2], as: UInt32.self), uid > 0 else { return nil }
            if parts.count == 4 {
                guard !parts[3].isEmpty else { return nil }
                self = .uidInFolder(folder: parts[3], uidValidity: validity, uid: uid)
            } else {
                self = .uid(uidValidity: validity, uid: uid)
            }
        case "gmail"?:
            guard parts.count == 2, let messageID = Self.number(parts[1], as: UInt64.self) else { return nil }
            self = .gmail(messageID: messageID)
        default:
            return nil
        }
    }

    public var item: MailboxItemID {
        MailboxItemID(description)
    }

    /// The folder the id names; `nil` for the connector's own folder (and for Gmail, whose ids
    /// name none).
    public var folder: String? {
        guard case .uidInFolder(let folder, _, _) = self else { return nil }
        return folder
    }

    public var description: String {
        switch self {
        case .uid(let uidValidity, let uid): "imap:\(uidValidity):\(uid)"
        case .uidInFolder(let folder, let uidValidity, let uid): "imap:\(uidValidity):\(uid):\(folder)"
        case .gmail(let messageID): "gmail:\(messageID)"
        }
    }

    /// Digits only: `UInt32("+5")` would take a sign, and an id has exactly one spelling.
    private static func number<Number: FixedWidthInteger>(_ text: String, as type: Number.Type) -> Number? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Number(text)
    }
}
