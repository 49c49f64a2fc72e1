/// The model failed for some messages and there was no embedded classifier to fall back on.
///
/// Thrown rather than turning the failed messages into "needs review": a provider outage is
/// temporary, and the classify job retries with backoff, while review verdicts would hand every
/// message of the outage to a person. The verdicts the model did give are kept here, so the
/// caller stores them (they are paid for) and retries only `unclassifiedMessageIDs`.
public struct ClassificationIncomplete: Error {
    /// Verdicts for the messages that got one, in the order the messages were given.
    public let verdicts: [ClassificationVerdict]
    public let unclassifiedMessageIDs: [String]
    /// The first failure (an `LLMError` from the client, as a rule).
    public let cause: any Error

    public init(verdicts: [ClassificationVerdict], unclassifiedMessageIDs: [String], cause: any Error) {
        self.verdicts = verdicts
        self.unclassifiedMessageIDs = unclassifiedMessageIDs
        self.cause = cause
    }
}
