import Classifier
import Foundation

/// What the classifier may read of an inbound message: exactly the metadata the product stores
/// (never the full body), so a verdict can be reproduced from what we keep.
public struct ClassificationMessage: Sendable, Hashable, Codable {
    /// Our stored message id. It never enters a prompt: the prompt names messages by short
    /// per-batch keys, so a message cannot forge another message's id in the answer.
    public var id: String
    public var sender: String
    public var recipient: String
    public var subject: String
    /// The first 500 characters of the best text part.
    public var snippet: String
    public var date: Date?

    public init(id: String, sender: String, recipient: String = "", subject: String, snippet: String, date: Date? = nil) {
        self.id = id
        self.sender = sender
        self.recipient = recipient
        self.subject = subject
        self.snippet = snippet
        self.date = date
    }

    /// What the embedded classifier reads of the same message.
    public var classifierInput: ClassifierInput {
        ClassifierInput(sender: sender, subject: subject, snippet: snippet)
    }
}
