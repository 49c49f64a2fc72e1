/// What can go wrong in an EWS exchange, from the connection to the last item of a reply. Every
/// reader of a reply and every call of the transport throws only these, so the caller decides
/// retry, back-off or give-up from the case alone, and a bad reply never moves the caller's
/// checkpoint. No case ever carries the password: descriptions end up in logs.
public enum EWSError: Error, Equatable, Sendable {
    /// A whole-request SOAP fault. `code` is Exchange's ResponseCode (e.g. ErrorSchemaValidation)
    /// when the fault carries one, else the SOAP faultcode; `message` is the faultstring, with the
    /// line and position for schema errors.
    case soapFault(code: String, message: String)
    /// ErrorServerBusy: throttled; wait `backOff` (Exchange's BackOffMilliseconds) before the next call.
    case serverBusy(backOff: Duration)
    /// One item's or the operation's own error (`ResponseClass="Error"`), e.g. ErrorItemNotFound.
    case itemError(code: String, message: String)
    /// ErrorInvalidSyncStateData: the stored SyncState is no good; sync again without one.
    case invalidSyncState
    /// The item changed since its ChangeKey was read (ErrorIrresolvableConflict and kin):
    /// read it again and retry once.
    case changeKeyConflict
    /// Truncated or invalid XML, or SOAP without the elements the operation must return.
    case malformedResponse(String)
    /// Not SOAP at all, typically an HTML sign-in page from a proxy; says what came instead.
    case notSOAP(String)

    // MARK: HTTP and the connection

    /// HTTP 401: the server refused the credentials, or wants a sign-in this client did not
    /// send. `offered` are its WWW-Authenticate challenges as it sent them (scheme and realm;
    /// NTLM and Negotiate tokens left out), so the message says what the server asks for.
    case authenticationFailed(offered: [String])
    /// The server offers no scheme this client speaks (Basic, NTLM), e.g. only Negotiate
    /// (Kerberos) or Bearer (OAuth, Exchange Online).
    case unsupportedAuthentication(offered: [String])
    /// The NTLM handshake could not go on: the server's CHALLENGE is unreadable, or it asks for
    /// something this client does not do (OEM strings).
    case ntlmFailure(String)
    /// A 3xx answer, or one the HTTP client followed: a reverse proxy sending the client to a
    /// sign-in form (`/owa/auth/logon.aspx`), or a moved server. `location` as the server gave it.
    case redirected(location: String)
    /// An HTTP status EWS does not answer with (anything but 200, 401, 3xx and a 500 carrying a
    /// SOAP fault); `detail` is the start of the body.
    case httpStatus(Int, detail: String)
    /// DNS failure, connection refused, or no connection within the connect timeout: the request
    /// never reached the server.
    case unreachable(String)
    /// The TLS handshake failed: certificate not trusted (a self-hosted server needs its CA in
    /// the endpoint's trust), name mismatch, no common protocol. Nothing was sent.
    case tlsFailure(String)
    /// No complete answer within the request timeout. The request may have been processed.
    case timedOut
    /// The connection broke while the request or its answer was under way: the server may have
    /// processed the request.
    case connectionLost(String)
    /// The answer is larger than the transport accepts (`limit` bytes); nothing was read.
    case responseTooLarge(limit: Int)
    /// The endpoint cannot be used as configured (plain HTTP, no host, too many concurrent
    /// requests, an unreadable CA file, a transport already shut down, a checkpoint of another kind).
    case invalidConfiguration(String)

    /// When Exchange says it is busy but not for how long.
    public static let defaultServerBusyBackOff = Duration.seconds(30)

    /// The typed error for an Exchange ResponseCode that reports a failure.
    static func fromResponseCode(_ code: String, message: String, backOffMilliseconds: Int?) -> EWSError {
        switch code {
        case "ErrorServerBusy":
            .serverBusy(backOff: backOffMilliseconds.map { Duration.milliseconds($0) } ?? defaultServerBusyBackOff)
        case "ErrorInvalidSyncStateData":
            .invalidSyncState
        case "ErrorIrresolvableConflict", "ErrorChangeKeyRequiredForWriteOperations", "ErrorStaleObject":
            .changeKeyConflict
        default:
            .itemError(code: code, message: message)
        }
    }

    var isServerBusy: Bool {
        if case .serverBusy = self { return true }
        return false
    }

    /// After this error the server may have carried out the request though no answer says so:
    /// the connection broke or timed out once the request was on its way, a proxy's gateway gave
    /// up waiting for Exchange, or the answer was cut short. For a send that means "maybe sent".
    var leavesOutcomeUnknown: Bool {
        switch self {
        case .timedOut, .connectionLost, .malformedResponse:
            true
        case .httpStatus(let status, _):
            status == 502 || status == 504
        default:
            false
        }
    }
}

extension EWSError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .soapFault(let code, let message):
            "EWS request failed with \(code)" + (message.isEmpty ? "" : ": \(message)")
        case .serverBusy(let backOff):
            "Exchange is busy (ErrorServerBusy); try again in \(backOff)"
        case .itemError(let code, let message):
            "EWS item error \(code)" + (message.isEmpty ? "" : ": \(message)")
        case .invalidSyncState:
            "Exchange refused the stored sync state (ErrorInvalidSyncStateData)"
        case .changeKeyConflict:
            "the item changed since it was read (ChangeKey conflict)"
        case .malformedResponse(let detail):
            "malformed EWS response: \(detail)"
        case .notSOAP(let detail):
            "the EWS URL did not answer with SOAP (a sign-in page or a proxy?): \(detail)"
        case .authenticationFailed(let offered):
            "Exchange refused the sign-in (HTTP 401); the server offers " + Self.list(offered)
        case .unsupportedAuthentication(let offered):
            "Exchange offers no sign-in this client speaks (Basic, NTLM); it offers " + Self.list(offered)
        case .ntlmFailure(let detail):
            "NTLM sign-in failed: \(detail)"
        case .redirected(let location):
            "the EWS URL redirects to \(location.isEmpty ? "an unnamed location" : location) (a sign-in form or a moved server)"
        case .httpStatus(let status, let detail):
            "the EWS server answered HTTP \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .unreachable(let detail):
            "the EWS server is unreachable: \(detail)"
        case .tlsFailure(let detail):
            "TLS with the EWS server failed: \(detail)"
        case .timedOut:
            "the EWS server did not answer in time"
        case .connectionLost(let detail):
            "the connection to the EWS server broke: \(detail)"
        case .responseTooLarge(let limit):
            "the EWS answer is larger than \(limit) bytes"
        case .invalidConfiguration(let detail):
            "EWS configuration: \(detail)"
        }
    }

    private static func list(_ offered: [String]) -> String {
        offered.isEmpty ? "no scheme at all" : offered.joined(separator: ", ")
    }
}
