/// Where a rule moved a message. A move gives the message a new id on most servers (an IMAP
/// message a new UID in the folder it went to, an Exchange item a new ItemId), and the id the
/// sync stored stops finding it; this is what finds it instead, so a corrected category can
/// still change its labels.
public struct MessageLocation: Sendable, Equatable {
    /// The folder as the rule names it.
    public let folder: String
    /// The message's id there, as the mailbox's connector finds it again (IMAP ids name the
    /// folder too); `nil` when it was moved but the server did not say under which id, and it
    /// could not be found there.
    public let itemID: String?

    public init(folder: String, itemID: String?) {
        self.folder = folder
        self.itemID = itemID
    }
}
