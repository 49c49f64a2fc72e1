/// A category with its calibrated probability.
public struct ScoredCategory: Sendable, Hashable, Codable {
    public let categoryID: String
    public let probability: Double

    public init(categoryID: String, probability: Double) {
        self.categoryID = categoryID
        self.probability = probability
    }
}

/// The embedded classifier's answer for one message.
public struct ClassifierVerdict: Sendable, Hashable {
    /// The category, or nil when the message needs review: the best guess was below the review
    /// threshold, or nothing in the message was ever seen in training.
    public let categoryID: String?
    /// The calibrated probability of the best guess, in [0, 1].
    public let confidence: Double
    /// Every category, most probable first (ties in category order).
    public let alternatives: [ScoredCategory]

    public init(categoryID: String?, confidence: Double, alternatives: [ScoredCategory]) {
        self.categoryID = categoryID
        self.confidence = confidence
        self.alternatives = alternatives
    }

    public var needsReview: Bool { categoryID == nil }

    /// The most probable category even when it is not confident enough to be the answer:
    /// what a reviewer is offered first, and what accuracy is measured on.
    public var bestGuess: String? { alternatives.first?.categoryID }
}
