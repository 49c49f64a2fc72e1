/// A message the server accepted, and which recipients it accepted it for.
public struct SMTPSendResult: Sendable, Equatable {
    /// The answer to the end of the data, e.g. `250 2.0.0 OK queued as …`.
    public var reply: SMTPReply
    /// Recipients the server took, in the envelope's order.
    public var acceptedRecipients: [String]
    /// Recipients the server refused, with its reply for each; the message went to the others.
    public var refusedRecipients: [String: SMTPReply]

    public init(reply: SMTPReply, acceptedRecipients: [String], refusedRecipients: [String: SMTPReply]) {
        self.reply = reply
        self.acceptedRecipients = acceptedRecipients
        self.refusedRecipients = refusedRecipients
    }
}
