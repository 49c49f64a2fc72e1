/// One row of OKVED2: a section (a letter, e.g. `J`) or a code under it (`62`, `62.0`, `62.01`,
/// `62.02.1`, `62.03.11`), with its Russian name as Rosstat publishes it (section names in
/// capitals).
public struct OKVEDEntry: Sendable, Hashable, Codable, Identifiable {
    public let code: String
    public let name: String
    /// The section letter this entry belongs to (its own code for a section).
    public let section: String
    /// The next level up: a section for a two-digit class, nil for a section.
    public let parent: String?

    public init(code: String, name: String, section: String, parent: String?) {
        self.code = code
        self.name = name
        self.section = section
        self.parent = parent
    }

    public var id: String { code }

    public var isSection: Bool { parent == nil }

    /// 0 section, 1 class (`62`), 2 subclass (`62.0`), 3 group (`62.01`), 4 subgroup
    /// (`62.02.1`), 5 type (`62.03.11`).
    public var level: Int {
        isSection ? 0 : code.filter(\.isNumber).count - 1
    }
}
