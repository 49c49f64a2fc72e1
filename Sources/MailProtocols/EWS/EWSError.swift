/// What can go wrong in an EWS exchange once the HTTP reply is in hand. Every reader of a reply
/// throws only these, so the caller decides retry, back-off or give-up from the case alone,
/// and a bad reply never moves the caller's checkpoint.
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
}
