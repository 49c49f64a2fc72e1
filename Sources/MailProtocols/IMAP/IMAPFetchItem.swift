/// What to fetch for each message. Body sections are always fetched with `BODY.PEEK` so that
/// reading a message never marks it `\Seen` in the user's mailbox.
public enum IMAPFetchItem: Sendable, Hashable {
    case uid
    case flags
    case internalDate
    case size
    case bodyStructure
    /// The whole header block (`BODY.PEEK[HEADER]`), read by `FetchedMessage.headers`.
    case headers
    /// A section such as `1.1` or `TEXT`, optionally a window of it (`<0.2048>`); read back
    /// from `FetchedMessage.sections[section]`.
    case section(String, window: Range<Int>? = nil)
    case modSeq
    case gmailMessageID
    case gmailThreadID
    case gmailLabels

    var wireName: String {
        switch self {
        case .uid: "UID"
        case .flags: "FLAGS"
        case .internalDate: "INTERNALDATE"
        case .size: "RFC822.SIZE"
        case .bodyStructure: "BODYSTRUCTURE"
        case .headers: "BODY.PEEK[HEADER]"
        case .section(let section, let window):
            if let window { "BODY.PEEK[\(section)]<\(window.lowerBound).\(window.count)>" } else { "BODY.PEEK[\(section)]" }
        case .modSeq: "MODSEQ"
        case .gmailMessageID: "X-GM-MSGID"
        case .gmailThreadID: "X-GM-THRID"
        case .gmailLabels: "X-GM-LABELS"
        }
    }

    var needsGmail: Bool {
        switch self {
        case .gmailMessageID, .gmailThreadID, .gmailLabels: true
        default: false
        }
    }

    /// What a sync stores per message: everything but the body, whose text part is fetched
    /// separately once BODYSTRUCTURE says which part it is.
    public static func summary(gmail: Bool, modSeq: Bool) -> [IMAPFetchItem] {
        var items: [IMAPFetchItem] = [.uid, .flags, .internalDate, .size, .bodyStructure, .headers]
        if gmail { items += [.gmailMessageID, .gmailThreadID, .gmailLabels] }
        if modSeq { items.append(.modSeq) }
        return items
    }
}
