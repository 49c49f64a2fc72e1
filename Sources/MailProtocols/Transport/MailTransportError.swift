/// Why a `MailTransport` could not deliver what was asked of it. Protocol clients wrap these in
/// their own errors; the cases say what a user or an operator can do about it.
public enum MailTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// DNS failure, connection refused, or no connection within the connect timeout.
    case unreachable(String)
    /// The TLS handshake failed: certificate not trusted, name mismatch, no common protocol.
    case tlsFailure(String)
    /// No answer within the command timeout.
    case timedOut
    /// The server closed the connection, also in the middle of a line or a literal.
    case closedByServer
    /// The server sent a line longer than the limit (the size is given); the connection is
    /// closed rather than buffering without end.
    case lineTooLong(Int)

    public var description: String {
        switch self {
        case .unreachable(let reason): "mail server unreachable: \(reason)"
        case .tlsFailure(let reason): "TLS failure: \(reason)"
        case .timedOut: "the mail server did not answer in time"
        case .closedByServer: "the mail server closed the connection"
        case .lineTooLong(let length): "the mail server sent a line of \(length) bytes, more than allowed"
        }
    }
}
