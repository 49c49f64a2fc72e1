import Classifier

/// The engine's answer for one message.
public struct ClassificationVerdict: Sendable, Hashable {
    /// The stored message id the verdict is for.
    public var messageID: String
    /// The tenant's category id, or nil for "none": no category fits, or nobody could tell.
    public var categoryID: String?
    /// How sure the source is, in 0...1. A model's self-reported confidence is not calibrated
    /// like the embedded classifier's probability; both are only compared with a threshold.
    public var confidence: Double
    /// One line, at most `ClassificationVerdict.maxReasonLength` characters, for the reviewer.
    public var reason: String
    public var source: ClassificationSource
    /// A person should look before any rule acts on the verdict.
    public var needsReview: Bool

    public static let maxReasonLength = 200

    public init(messageID: String, categoryID: String?, confidence: Double, reason: String,
                source: ClassificationSource, needsReview: Bool) {
        self.messageID = messageID
        self.categoryID = categoryID
        self.confidence = confidence
        self.reason = reason
        self.source = source
        self.needsReview = needsReview
    }

    /// A model's valid answer. A confident "none" is an answer too (no rule applies); anything
    /// below the threshold, whatever the category, goes to review.
    static func answered(messageID: String, answer: ClassificationAnswer, source: ClassificationSource,
                         reviewThreshold: Double) -> ClassificationVerdict {
        ClassificationVerdict(messageID: messageID, categoryID: answer.categoryID, confidence: answer.confidence,
                              reason: answer.reason, source: source, needsReview: answer.confidence < reviewThreshold)
    }

    /// The embedded classifier's verdict. It has already applied its own review threshold (its
    /// category is nil when unsure); a category the tenant has since deleted is treated as unsure.
    /// The reasons are fixed English forms that Domain's `EmbeddedReason` reads back, so the page
    /// can word them in the reader's language: change them only together.
    static func embedded(messageID: String, verdict: ClassifierVerdict, knownCategoryIDs: Set<String>) -> ClassificationVerdict {
        if let categoryID = verdict.categoryID, knownCategoryIDs.contains(categoryID) {
            return ClassificationVerdict(messageID: messageID, categoryID: categoryID, confidence: verdict.confidence,
                                         reason: "local classifier", source: .embedded, needsReview: false)
        }
        let guess = verdict.bestGuess.flatMap { knownCategoryIDs.contains($0) ? $0 : nil }
        let reason = guess.map { "local classifier unsure; best guess \($0)" } ?? "local classifier unsure"
        return ClassificationVerdict(messageID: messageID, categoryID: nil, confidence: verdict.confidence,
                                     reason: String(reason.prefix(maxReasonLength)), source: .embedded, needsReview: true)
    }

    static func unanswered(messageID: String, reason: String) -> ClassificationVerdict {
        ClassificationVerdict(messageID: messageID, categoryID: nil, confidence: 0, reason: reason,
                              source: .unanswered, needsReview: true)
    }
}
