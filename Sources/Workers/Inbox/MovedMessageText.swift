import Domain

/// What a mailbox's owner reads about a message a rule moved and that cannot be found where it
/// went (a server that reports no new id, and no Message-ID to find it by): nothing more can be
/// done to it in the mailbox, and the message card says so instead of a puzzling "not found".
/// Stored as a ``MailProblem`` (the page words it in the reader's language).
enum MovedMessageText {
    /// The note on the done move: `reason` is the connector's, in plain words.
    static func untracked(folder: String, reason: String) -> String {
        MailProblem(.movedUntracked, values: [MailProblem.folder: folder, MailProblem.detail: reason]).stored
    }

    /// Why a later action or correction cannot reach such a message.
    static func unreachable(folder: String) -> String {
        MailProblem(.movedUnreachable, values: [MailProblem.folder: folder]).stored
    }
}
