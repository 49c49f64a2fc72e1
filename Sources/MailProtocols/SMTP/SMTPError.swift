/// Why a message could not be sent, typed so a caller can decide: retry later (`isPermanent`
/// false), fix the account or the message (`isPermanent` true), or ask a human because the
/// outcome is unknown.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A 5xx reply: the same command will fail again.
    case permanent(SMTPReply)
    /// A 4xx reply: try again later (421 also means the server closed the connection).
    case transient(SMTPReply)
    /// The server refused the credentials (535, or another refusal of AUTH).
    case authenticationFailed(SMTPReply)
    /// `534 5.7.9`: Gmail wants an app password, not the account password.
    case appPasswordRequired(SMTPReply)
    /// The endpoint demands STARTTLS but the server does not offer it, credentials would go
    /// out unencrypted to a remote host, or the server answered `530` asking for TLS first.
    case tlsRequired
    /// The message is larger than the SIZE the server announced; refused before sending.
    case messageTooLarge(limit: Int)
    /// Every recipient was refused, by address; the message was not sent.
    case allRecipientsRefused([String: SMTPReply])
    /// The server offers no AUTH mechanism this client speaks (PLAIN, LOGIN).
    case noSupportedAuthMechanism(offered: [String])
    /// An address that cannot be written into a command (line breaks, angle brackets, empty).
    case invalidAddress(String)
    /// A non-ASCII address, and the server does not offer SMTPUTF8.
    case internationalAddressUnsupported(String)
    /// The server sent something that is not an SMTP reply.
    case protocolViolation(String)
    /// The connection failed before the message was handed over: it was not sent.
    case transport(MailTransportError)
    /// The whole message went out but no readable final reply came (timeout, hang-up, garbage;
    /// the cause is given): it may or may not have been accepted. Sending again may deliver it twice.
    indirect case outcomeUnknown(SMTPError)
    /// The envelope names no recipient.
    case noRecipients

    /// The server's reply behind the error, when there is one.
    public var reply: SMTPReply? {
        switch self {
        case .permanent(let reply), .transient(let reply), .authenticationFailed(let reply), .appPasswordRequired(let reply):
            reply
        default:
            nil
        }
    }

    /// The RFC 3463 enhanced status code (`5.1.1`), when the server sent one.
    public var enhancedStatus: String? { reply?.enhancedStatus }

    /// Sending the same message again unchanged will fail again; false means a later retry may
    /// succeed (`outcomeUnknown` is false too, but must not be retried blindly).
    public var isPermanent: Bool {
        switch self {
        case .permanent, .authenticationFailed, .appPasswordRequired, .tlsRequired, .messageTooLarge,
             .noSupportedAuthMechanism, .invalidAddress, .internationalAddressUnsupported, .noRecipients:
            true
        case .allRecipientsRefused(let refusals):
            refusals.values.allSatisfy(\.isPermanentFailure)
        case .transport(.tlsFailure):
            // A certificate the client does not trust stays untrusted until someone acts.
            true
        case .transient, .protocolViolation, .transport, .outcomeUnknown:
            false
        }
    }

    public var description: String {
        switch self {
        case .permanent(let reply): "SMTP server refused: \(reply)"
        case .transient(let reply): "SMTP server refused for now: \(reply)"
        case .authenticationFailed(let reply): "SMTP authentication failed: \(reply)"
        case .appPasswordRequired(let reply): "SMTP server requires an app password: \(reply)"
        case .tlsRequired: "TLS is required but not available on this SMTP connection"
        case .messageTooLarge(let limit): "message larger than the server's limit of \(limit) bytes"
        case .allRecipientsRefused(let refusals):
            "every recipient was refused: " + refusals.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        case .noSupportedAuthMechanism(let offered): "SMTP server offers no usable AUTH mechanism (offered: \(offered.joined(separator: " ")))"
        case .invalidAddress(let address): "address cannot be used in SMTP: \(address.debugDescription)"
        case .internationalAddressUnsupported(let address): "SMTP server does not accept non-ASCII addresses (SMTPUTF8): \(address)"
        case .protocolViolation(let detail): "SMTP protocol violation: \(detail)"
        case .transport(let error): "SMTP connection failed: \(error)"
        case .outcomeUnknown(let cause): "message sent but not confirmed, it may or may not be delivered: \(cause)"
        case .noRecipients: "the message has no recipients"
        }
    }

    /// The error for a reply that refused an ordinary command (anything but AUTH).
    static func refusal(_ reply: SMTPReply) -> SMTPError {
        if reply.code == 530 {
            // RFC 3207 "Must issue a STARTTLS command first" and RFC 4954 "Authentication
            // required" share 530 5.7.0; only the text tells them apart.
            return reply.text.uppercased().contains("TLS") ? .tlsRequired : .authenticationFailed(reply)
        }
        if reply.code == 534, reply.enhancedStatus == "5.7.9" { return .appPasswordRequired(reply) }
        if reply.isTransientFailure { return .transient(reply) }
        if reply.isPermanentFailure { return .permanent(reply) }
        return .protocolViolation("unexpected reply \(reply)")
    }

    /// The error for a reply that refused AUTH: a 5xx there is about the credentials.
    static func authenticationRefusal(_ reply: SMTPReply) -> SMTPError {
        switch refusal(reply) {
        case .permanent(let reply): .authenticationFailed(reply)
        case let other: other
        }
    }
}
