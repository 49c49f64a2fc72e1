/// Everything an IMAP session can fail with, sorted by what the caller should do about it.
public enum IMAPError: Error, Sendable, Equatable {
    // The connection could not be made: check the settings or retry later.
    case unreachable(String)
    /// Handshake or certificate failure; a self-hosted server may need `TLSTrust.customCA`.
    case tlsFailure(String)
    /// `tls: .startTLS` was asked for and the server does not offer STARTTLS; nothing was
    /// sent in the clear.
    case startTLSNotOffered

    // The credentials are wrong: ask the user, do not retry.
    /// `NO [AUTHENTICATIONFAILED] …` and other refusals of LOGIN / AUTHENTICATE.
    case authenticationFailed(String)
    /// Gmail with 2-Step Verification refuses the account password; an app password is needed.
    case appPasswordRequired(String)
    /// The server advertises LOGINDISABLED and no mechanism we can use instead (usually: TLS
    /// is required before login).
    case loginDisabled

    // The connection is gone or out of step: reconnect and resume from the last checkpoint.
    case timedOut
    /// The server closed the connection (after `* BYE` its text is given) or it dropped.
    case connectionLost(String)
    /// A response that does not parse; the session is closed because it is out of step.
    case protocolViolation(String)
    /// A command was called before `connect()` or after the connection was dropped.
    case notConnected

    // The command was refused; the session stays usable.
    case commandFailed(IMAPCommandFailure)
    /// Gmail's `[THROTTLED]` on a refused command: back off before retrying.
    case throttled(String)
    /// The server lacks an extension the call needs (IDLE, X-GM-EXT-1, …).
    case unsupported(String)
    /// The caller passed something that cannot go on the wire (e.g. a keyword with a space).
    case invalidArgument(String)

    /// The connection is unusable: a new session must be opened, and a sync resumes from its
    /// last saved (UIDVALIDITY, UID) checkpoint.
    public var requiresReconnect: Bool {
        switch self {
        case .timedOut, .connectionLost, .protocolViolation, .notConnected, .unreachable, .tlsFailure, .startTLSNotOffered:
            true
        case .authenticationFailed, .appPasswordRequired, .loginDisabled, .commandFailed, .throttled, .unsupported, .invalidArgument:
            false
        }
    }

    init(_ transportError: MailTransportError) {
        switch transportError {
        case .unreachable(let reason): self = .unreachable(reason)
        case .tlsFailure(let reason): self = .tlsFailure(reason)
        case .timedOut: self = .timedOut
        case .closedByServer: self = .connectionLost("the server closed the connection")
        case .lineTooLong(let limit): self = .protocolViolation("a response line longer than \(limit) bytes")
        }
    }
}

/// A tagged `NO` or `BAD`: which command, and what the server said.
public struct IMAPCommandFailure: Sendable, Equatable {
    /// The command's name only (`UID FETCH`), never its arguments, which may hold secrets.
    public var command: String
    public var response: IMAPStatusResponse

    public init(command: String, response: IMAPStatusResponse) {
        self.command = command
        self.response = response
    }
}
