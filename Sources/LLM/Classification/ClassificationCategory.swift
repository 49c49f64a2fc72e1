import Classifier

/// One of the tenant's own categories, as the classification prompt shows it to a model.
///
/// The `id` is what comes back: it is the value the JSON schema's category enum is made of, so
/// a model can answer nothing else. `"none"` is reserved for "no category fits" and cannot be a
/// category id (a category with that id, or with an empty id, is left out of the prompt).
public struct ClassificationCategory: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var description: String
    /// A few short texts of mail that belongs here; the model reads them as hints, the embedded
    /// classifier learns from them.
    public var examples: [String]
    /// Messages people moved into this category, newest first, as short texts: the model reads
    /// them as the strongest hints. The embedded classifier learns corrections on its own, so
    /// they are not part of its seed.
    public var corrections: [String]

    public init(id: String, name: String, description: String = "", examples: [String] = [], corrections: [String] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.examples = examples
        self.corrections = corrections
    }

    /// The same category as the embedded classifier is seeded with (without `corrections`).
    public var seed: CategorySeed {
        CategorySeed(id: id, name: name, description: description, examples: examples)
    }
}
