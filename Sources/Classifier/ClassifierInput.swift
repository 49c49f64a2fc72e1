/// What the embedded classifier reads of a message: exactly what the product stores of it
/// (sender, subject, the 500-character snippet), so that what it learns from stored messages is
/// what it sees at classification time.
public struct ClassifierInput: Sendable, Hashable, Codable {
    /// The sender's address (`ivan@mail.example.ru`); only its domain is used.
    public var sender: String
    public var subject: String
    public var snippet: String

    public init(sender: String = "", subject: String = "", snippet: String = "") {
        self.sender = sender
        self.subject = subject
        self.snippet = snippet
    }
}

/// A message with the category a person (or a labelled corpus) gave it.
public struct LabelledInput: Sendable, Hashable, Codable {
    public var input: ClassifierInput
    public var categoryID: String

    public init(_ input: ClassifierInput, categoryID: String) {
        self.input = input
        self.categoryID = categoryID
    }
}
