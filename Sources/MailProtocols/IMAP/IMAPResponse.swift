import Foundation

/// The condition of a status response (RFC 3501 §7.1).
public enum IMAPStatus: String, Sendable, Equatable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    case bye = "BYE"
    case preauth = "PREAUTH"
}

/// A response code: the bracketed part that follows a status, e.g. `[UIDVALIDITY 3857529045]`.
/// Codes the client acts on get their own case; the rest keep their name and raw argument.
public enum IMAPResponseCode: Sendable, Equatable {
    case alert
    case authenticationFailed
    case authorizationFailed
    case unavailable
    case expired
    case privacyRequired
    case throttled
    case readOnly
    case readWrite
    case tryCreate
    case nonexistent
    case alreadyExists
    case closed
    case noModSeq
    case limit
    case overQuota
    case uidValidity(UInt32)
    case uidNext(UInt32)
    case unseen(UInt32)
    case highestModSeq(UInt64)
    case permanentFlags([String])
    case capability([String])
    case appendUID(uidValidity: UInt32, uids: IMAPSequenceSet)
    /// UIDPLUS (RFC 4315) after COPY and MOVE: the target's UIDVALIDITY, the UIDs copied, and
    /// the UIDs they got there, in the same order (read them with `IMAPCopiedUIDs`).
    case copyUID(uidValidity: UInt32, sourceUIDs: IMAPSequenceSet, destinationUIDs: IMAPSequenceSet)
    case other(name: String, argument: String?)
}

/// `OK`, `NO`, `BAD`, `BYE` or `PREAUTH` with its optional code and human-readable text.
public struct IMAPStatusResponse: Sendable, Equatable {
    public var status: IMAPStatus
    public var code: IMAPResponseCode?
    public var text: String

    public init(status: IMAPStatus, code: IMAPResponseCode? = nil, text: String) {
        self.status = status
        self.code = code
        self.text = text
    }

    /// Gmail puts `[THROTTLED]` after the text (`OK Success [THROTTLED]`), where no response
    /// code may stand, so the text is searched as well as the code.
    public var isThrottled: Bool {
        code == .throttled || text.uppercased().contains("[THROTTLED]")
    }
}

/// One `* LIST` line before its name is decoded (the decoding depends on `ENABLE UTF8=ACCEPT`).
struct IMAPListing: Sendable, Equatable {
    var attributes: [String]
    var delimiter: UInt8?
    var rawName: [UInt8]
}

/// An `* ESEARCH` reply (RFC 4731); `tag` correlates it with the command that asked.
struct IMAPExtendedSearch: Sendable, Equatable {
    var tag: String?
    var isUID: Bool
    var all: IMAPSequenceSet?
    var min: UInt32?
    var max: UInt32?
    var count: Int?
    var modSeq: UInt64?
}

/// Untagged data the server may send at any time, solicited or not.
enum IMAPUntaggedResponse: Sendable, Equatable {
    case status(IMAPStatusResponse)
    case capability([String])
    case list(IMAPListing)
    case flags([String])
    case exists(Int)
    case recent(Int)
    case expunge(Int)
    case fetch(FetchedMessage)
    case search(uids: [UInt32], modSeq: UInt64?)
    case extendedSearch(IMAPExtendedSearch)
    case enabled([String])
    case id([String: String])
    case mailboxStatus(rawName: [UInt8], items: [String: UInt64])
    case vanished(earlier: Bool, uids: IMAPSequenceSet)
    case other(keyword: String, values: [IMAPValue])
}

/// A whole server response.
enum IMAPResponse: Sendable, Equatable {
    case untagged(IMAPUntaggedResponse)
    case tagged(tag: String, IMAPStatusResponse)
    /// `+ …`: the server waits for a literal, a SASL response or (after IDLE) for DONE.
    case continuation([UInt8])
}
