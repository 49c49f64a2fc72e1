import MIME

/// Who the server is told the message is from and who receives it: the SMTP envelope, separate
/// from the From/To/Cc header fields. Bcc recipients belong here and only here.
public struct SMTPEnvelope: Sendable, Equatable {
    /// The bounce address (MAIL FROM); empty for the null sender `<>`.
    public var from: String
    /// Every recipient (RCPT TO), Bcc included.
    public var recipients: [String]

    public init(from: String, recipients: [String]) {
        self.from = from
        self.recipients = recipients
    }

    /// The envelope of an outgoing message: its sender, and its To, Cc and Bcc recipients.
    public init(_ message: OutgoingMessage) {
        self.init(from: message.from.address, recipients: message.envelopeRecipients)
    }
}
