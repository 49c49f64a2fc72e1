/// How the engine spends a tenant's LLM calls.
public struct ClassificationOptions: Sendable, Hashable {
    public static let defaultReviewThreshold = 0.6

    /// Messages per call. Ten cut the tokens per message to well under half of one call each
    /// (the system part and the schema are paid once per call; `scripts/bench tokens`) while an
    /// answer stays short enough to come back whole.
    public var batchSize: Int
    /// Calls in flight at once for one `classify`. The tenant's own limit on concurrent requests
    /// and requests per minute is enforced by the client wrapper; this only keeps the engine
    /// from queueing far more than that limit lets through.
    public var maxConcurrentBatches: Int
    /// After an answer that leaves messages out, ask again for just those, at most this many
    /// times; what is still missing then goes to review as "no answer".
    public var retryRoundsForMissing: Int
    /// A model's answer below this confidence goes to review.
    public var reviewThreshold: Double
    /// The cheap first pass: when set, a message the embedded classifier puts in a category with
    /// at least this confidence keeps that verdict and is not sent to the model. Nil (the
    /// default) sends everything to the model.
    public var embeddedShortcutThreshold: Double?

    public init(batchSize: Int = 10, maxConcurrentBatches: Int = 4, retryRoundsForMissing: Int = 2,
                reviewThreshold: Double = ClassificationOptions.defaultReviewThreshold,
                embeddedShortcutThreshold: Double? = nil) {
        self.batchSize = batchSize
        self.maxConcurrentBatches = maxConcurrentBatches
        self.retryRoundsForMissing = retryRoundsForMissing
        self.reviewThreshold = reviewThreshold
        self.embeddedShortcutThreshold = embeddedShortcutThreshold
    }
}
