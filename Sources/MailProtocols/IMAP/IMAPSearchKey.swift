import Foundation

/// One search criterion; several given together must all match (IMAP's implicit AND).
public enum IMAPSearchKey: Sendable, Equatable {
    case all
    case uids(IMAPSequenceSet)
    /// `UID n:*`. Servers answer it with the highest UID even when that is below `n`;
    /// `IMAPClient.uidsAbove(_:)` filters that out.
    case uidsFrom(UInt32)
    case keyword(String)
    case notKeyword(String)
    case seen
    case unseen
    /// Messages whose internal date is on or after that day (the server's time zone).
    case since(Date)
    case header(name: String, value: String)
    /// CONDSTORE: changed after that mod-sequence.
    case changedAfterModSeq(UInt64)
    /// Gmail's web search syntax, e.g. `has:attachment in:inbox`.
    case gmailRaw(String)
    case gmailMessageID(UInt64)
    case gmailThreadID(UInt64)
    case gmailLabel(String)

    var needsGmail: Bool {
        switch self {
        case .gmailRaw, .gmailMessageID, .gmailThreadID, .gmailLabel: true
        default: false
        }
    }

    /// The strings this key sends, which decide whether the search needs `CHARSET UTF-8`.
    var textArguments: [String] {
        switch self {
        case .header(let name, let value): [name, value]
        case .gmailRaw(let text), .gmailLabel(let text): [text]
        default: []
        }
    }

    func add(to command: inout IMAPCommand, utf8Allowed: Bool, gmailLabelEncoding: (String) -> String) throws {
        switch self {
        case .all: command.add("ALL")
        case .uids(let set): command.add("UID \(set)")
        case .uidsFrom(let first): command.add("UID \(max(first, 1)):*")
        case .keyword(let keyword), .notKeyword(let keyword):
            guard KeywordMapping.isValidKeyword(keyword) else { throw IMAPError.invalidArgument("\"\(keyword)\" is not a keyword atom") }
            command.add(self == .keyword(keyword) ? "KEYWORD \(keyword)" : "UNKEYWORD \(keyword)")
        case .seen: command.add("SEEN")
        case .unseen: command.add("UNSEEN")
        case .since(let date): command.add("SINCE \(Self.searchDate(date))")
        case .header(let name, let value):
            command.add("HEADER")
            command.addString(name, utf8Allowed: utf8Allowed)
            command.addString(value, utf8Allowed: utf8Allowed)
        case .changedAfterModSeq(let modSeq): command.add("MODSEQ \(modSeq + 1)")
        case .gmailRaw(let query):
            command.add("X-GM-RAW")
            command.addString(query, utf8Allowed: utf8Allowed)
        case .gmailMessageID(let id): command.add("X-GM-MSGID \(id)")
        case .gmailThreadID(let id): command.add("X-GM-THRID \(id)")
        case .gmailLabel(let label):
            command.add("X-GM-LABELS")
            command.addString(gmailLabelEncoding(label), utf8Allowed: utf8Allowed)
        }
    }

    /// `1-Feb-1994`, in UTC.
    private static func searchDate(_ date: Date) -> String {
        // IMAPDate writes `dd-Mon-yyyy hh:mm:ss +0000`; SEARCH wants the date alone.
        let full = IMAPDate.format(date)
        let day = full.prefix { $0 != " " }
        return day.hasPrefix("0") ? String(day.dropFirst()) : String(day)
    }
}
