import Foundation

/// The embedded classifier's reason, read back from what it stores. The LLM module writes
/// these English forms (`ClassificationVerdict.embedded`, which cannot see Domain); every stored
/// row has one of them, so they are the stable codes the page words in the reader's language,
/// with the best guess shown as its category's name.
public enum EmbeddedReason: Sendable, Equatable {
    /// `local classifier`: it is sure of the category.
    case sure
    /// `local classifier unsure`, with `; best guess <category id>` when it had one.
    case unsure(bestGuess: UUID?)

    public static let sureText = "local classifier"
    public static let unsureText = "local classifier unsure"
    public static let bestGuessMarker = "; best guess "

    /// Reads an embedded verdict's reason; nil for anything else (a model's words, a person's).
    public init?(stored: String) {
        if stored == Self.sureText {
            self = .sure
        } else if stored == Self.unsureText {
            self = .unsure(bestGuess: nil)
        } else if stored.hasPrefix(Self.unsureText + Self.bestGuessMarker) {
            let guess = stored.dropFirst(Self.unsureText.count + Self.bestGuessMarker.count)
            self = .unsure(bestGuess: UUID(uuidString: String(guess)))
        } else {
            return nil
        }
    }

    /// The category it would have picked, when unsure and it had one.
    public var bestGuess: UUID? {
        if case .unsure(let guess) = self { return guess }
        return nil
    }

    /// The reason of a stored verdict when the embedded classifier gave it.
    public init?(_ classification: MessageClassification) {
        guard classification.source == MessageClassification.embeddedSource else { return nil }
        self.init(stored: classification.reason)
    }
}
