/// A folder from LIST. Gmail and others localise folder names ("[Gmail]/Вся почта"), so the
/// folders a sync cares about are found by `specialUse`, never by name.
public struct IMAPMailbox: Sendable, Equatable {
    public var name: String
    public var delimiter: Character?
    /// As the server sent them, e.g. `\HasNoChildren`, `\Sent`.
    public var attributes: [String]

    public init(name: String, delimiter: Character?, attributes: [String]) {
        self.name = name
        self.delimiter = delimiter
        self.attributes = attributes
    }

    public var specialUse: IMAPSpecialUse? {
        attributes.lazy.compactMap(IMAPSpecialUse.init(attribute:)).first
    }

    /// `\Noselect` (and RFC 5258's `\NonExistent`) folders exist only as parents.
    public var isSelectable: Bool {
        !attributes.contains { $0.caseInsensitiveEquals("\\Noselect") || $0.caseInsensitiveEquals("\\NonExistent") }
    }
}

/// RFC 6154 special-use attributes, plus Gmail's `\Important`.
public enum IMAPSpecialUse: String, Sendable, CaseIterable {
    case all = "\\All"
    case archive = "\\Archive"
    case drafts = "\\Drafts"
    case flagged = "\\Flagged"
    case junk = "\\Junk"
    case sent = "\\Sent"
    case trash = "\\Trash"
    case important = "\\Important"

    init?(attribute: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.caseInsensitiveEquals(attribute) }) else { return nil }
        self = match
    }
}

extension [IMAPMailbox] {
    /// The first folder with that special use, e.g. All Mail for a Gmail sync.
    public func first(withSpecialUse use: IMAPSpecialUse) -> IMAPMailbox? {
        first(where: { $0.specialUse == use })
    }
}

fileprivate extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
