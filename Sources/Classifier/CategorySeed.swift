/// A tenant's category as the tenant describes it. Before anyone corrects a verdict this is all
/// the classifier knows, so the name and description are learnt as one example and every
/// example text as another.
public struct CategorySeed: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var description: String
    public var examples: [String]

    public init(id: String, name: String, description: String = "", examples: [String] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.examples = examples
    }

    /// One feature set per learnt text: the name with the description, then each example.
    var featureSets: [[String]] {
        [FeatureExtractor.features(ofSeedText: name + " " + description)]
            + examples.map(FeatureExtractor.features(ofSeedText:))
    }
}
