import Foundation

/// The current verdict on one stored message: the classifier's, or a person's correction.
public struct MessageClassification: Sendable, Equatable {
    /// ``source`` of a verdict a person gave by correcting the category.
    public static let correctionSource = "user"
    /// ``source`` of the embedded local classifier's verdicts.
    public static let embeddedSource = "embedded"

    /// The stored ``InboundMessage``'s id (not its Message-ID header).
    public let messageID: UUID
    public let companyID: UUID
    /// `nil`: no category fits, or nobody could tell.
    public var categoryID: UUID?
    /// In 0...1.
    public var confidence: Double
    /// One line for the reviewer.
    public var reason: String
    /// Who decided: `llm:<provider>/<model>` (e.g. `llm:openai/gpt-4.1-mini`), `embedded`,
    /// `unanswered`, or `user` after a correction.
    public var source: String
    public var needsReview: Bool
    public var classifiedAt: Date
    public var correctedBy: UUID?
    public var correctedAt: Date?

    public init(
        messageID: UUID, companyID: UUID, categoryID: UUID?, confidence: Double, reason: String, source: String,
        needsReview: Bool, classifiedAt: Date, correctedBy: UUID?, correctedAt: Date?
    ) {
        self.messageID = messageID
        self.companyID = companyID
        self.categoryID = categoryID
        self.confidence = confidence
        self.reason = reason
        self.source = source
        self.needsReview = needsReview
        self.classifiedAt = classifiedAt
        self.correctedBy = correctedBy
        self.correctedAt = correctedAt
    }

    /// A person has set this category; classifiers no longer overwrite it.
    public var isCorrected: Bool { correctedAt != nil }

    /// The `source` text for a model's verdict.
    public static func llmSource(provider: String, model: String) -> String {
        "llm:\(provider)/\(model)"
    }
}

/// A classifier's verdict as the classify job saves it.
public struct NewClassification: Sendable, Equatable {
    public var messageID: UUID
    public var categoryID: UUID?
    public var confidence: Double
    public var reason: String
    public var source: String
    public var needsReview: Bool

    public static let maximumReasonLength = 500

    public init(messageID: UUID, categoryID: UUID?, confidence: Double, reason: String, source: String, needsReview: Bool) {
        self.messageID = messageID
        self.categoryID = categoryID
        self.confidence = confidence.isFinite ? min(1, max(0, confidence)) : 0
        self.reason = String(reason.prefix(Self.maximumReasonLength))
        self.source = source
        self.needsReview = needsReview
    }
}

/// A person's correction of a category, kept as a training example for the tenant's embedded
/// classifier. It copies what the classifier learns from, so it outlives the message.
public struct ClassificationCorrection: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID
    /// `nil` once the message itself was deleted.
    public let messageID: UUID?
    public let categoryID: UUID
    /// The category the message had before the correction (what the classifier said); nil when
    /// it had none, or for corrections older than this field.
    public let previousCategoryID: UUID?
    /// The sender as the classifier saw it: `Name <address>` or the address alone.
    public let sender: String
    public let subject: String
    public let snippet: String
    public let correctedBy: UUID
    public let createdAt: Date

    public init(
        id: UUID, companyID: UUID, messageID: UUID?, categoryID: UUID, previousCategoryID: UUID? = nil, sender: String, subject: String,
        snippet: String, correctedBy: UUID, createdAt: Date
    ) {
        self.id = id
        self.companyID = companyID
        self.messageID = messageID
        self.categoryID = categoryID
        self.previousCategoryID = previousCategoryID
        self.sender = sender
        self.subject = subject
        self.snippet = snippet
        self.correctedBy = correctedBy
        self.createdAt = createdAt
    }
}
