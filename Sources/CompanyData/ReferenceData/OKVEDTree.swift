import Domain
import Foundation

/// The OKVED2 classifier as a tree: all 2,899 entries (21 sections and their codes), looked up
/// by code, walked down from any node, and searched the way the picker needs: by number
/// (`62.0`, also typed as `620`) or by Russian words.
public struct OKVEDTree: Sendable {
    /// In the published order: each section, then its codes depth first.
    public let entries: [OKVEDEntry]
    private let positions: [String: Int]
    private let childPositions: [String: [Int]]
    private let nameWords: [[String]]

    /// Checks that codes are unique and every parent is present.
    public init(entries: [OKVEDEntry]) throws {
        var positions: [String: Int] = [:]
        for (position, entry) in entries.enumerated() {
            guard positions.updateValue(position, forKey: entry.code) == nil else {
                throw ReferenceDataError.malformed(file: "okved2.json", reason: "\(entry.code) appears twice")
            }
        }
        var childPositions: [String: [Int]] = [:]
        for (position, entry) in entries.enumerated() {
            guard let parent = entry.parent else { continue }
            guard positions[parent] != nil else {
                throw ReferenceDataError.malformed(file: "okved2.json", reason: "the parent \(parent) of \(entry.code) is missing")
            }
            childPositions[parent, default: []].append(position)
        }
        self.entries = entries
        self.positions = positions
        self.childPositions = childPositions
        self.nameWords = entries.map { SearchText.words($0.name) }
    }

    public init(contentsOf url: URL) throws {
        try self.init(entries: ReferenceFiles.decode(File.self, from: url).entries)
    }

    private struct File: Decodable {
        var entries: [OKVEDEntry]
    }

    /// The table shipped with the product, read once per process.
    public static func bundled() throws -> OKVEDTree {
        try bundledTree.get()
    }

    private static let bundledTree = Result<OKVEDTree, any Error> {
        try OKVEDTree(contentsOf: ReferenceFiles.url("okved2.json"))
    }

    public var count: Int { entries.count }

    public var sections: [OKVEDEntry] { entries.filter(\.isSection) }

    /// The entry for a code as typed: `62.01`, `6201`, ` j `.
    public func entry(_ code: String) -> OKVEDEntry? {
        // Codes read back from storage are written as the tree writes them: found without the
        // normalisation, whose Foundation trimming was a twentieth of a client-list view.
        (positions[code] ?? positions[Self.normalizedCode(code)]).map { entries[$0] }
    }

    public subscript(code: String) -> OKVEDEntry? { entry(code) }

    public func contains(_ code: String) -> Bool { entry(code) != nil }

    public func children(of code: String) -> [OKVEDEntry] {
        guard let parent = entry(code) else { return [] }
        return (childPositions[parent.code] ?? []).map { entries[$0] }
    }

    /// From the section down to the entry itself; empty for an unknown code.
    public func path(to code: String) -> [OKVEDEntry] {
        var path: [OKVEDEntry] = []
        var current = entry(code)
        while let node = current {
            path.insert(node, at: 0)
            current = node.parent.flatMap { positions[$0] }.map { entries[$0] }
        }
        return path
    }

    /// The entry and everything under it, depth first in the published order; empty for an
    /// unknown code. Selecting `62` in the picker selects these.
    public func subtree(of code: String) -> [OKVEDEntry] {
        guard let start = positions[Self.normalizedCode(code)] else { return [] }
        var result: [OKVEDEntry] = []
        var stack = [start]
        while let position = stack.popLast() {
            let entry = entries[position]
            result.append(entry)
            stack.append(contentsOf: (childPositions[entry.code] ?? []).reversed())
        }
        return result
    }

    /// The codes of several subtrees together, each code once, in the published order.
    public func subtreeCodes(of codes: [String]) -> [String] {
        var selected = Set<String>()
        for code in codes {
            selected.formUnion(subtree(of: code).map(\.code))
        }
        return entries.map(\.code).filter { selected.contains($0) }
    }

    /// Up to `limit` entries for what someone typed into the picker.
    ///
    /// Digits (and dots) are a code prefix: `62.0` finds `62.0`, `62.01`, `62.02`, `62.02.1` …
    /// in the published order, so the code itself comes before its descendants; `620` is read as
    /// `62.0`. A single Latin letter is a section. Anything else is words, ranked by relevance
    /// (case and «ё»/«е» ignored, endings forgiven: «программное обеспечение» finds
    /// «программного обеспечения»): names holding every query word first, then those whose
    /// words are found at the start of a name word rather than only inside one, then the
    /// earlier in the name the match begins, then more words matched as typed, then shorter
    /// names, then the published (code) order. A name matching only some of the words comes
    /// after every name matching all of them.
    public func search(_ query: String, limit: Int = 20) -> [OKVEDEntry] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, limit > 0 else { return [] }
        if Self.looksLikeCode(trimmed) {
            let prefix = Self.normalizedCode(trimmed)
            if prefix.first?.isLetter == true {
                return entry(prefix).map { [$0] } ?? []
            }
            return Array(entries.lazy.filter { !$0.isSection && $0.code.hasPrefix(prefix) }.prefix(limit))
        }
        let queryWords = SearchText.words(trimmed)
        guard !queryWords.isEmpty else { return [] }
        let stems = queryWords.map(SearchText.stem)
        struct Match {
            var position: Int
            var matchedWords: Int
            var insideOnly: Int
            var firstIndex: Int
            var asTyped: Int
            var nameLength: Int
        }
        var matches: [Match] = []
        for (position, words) in nameWords.enumerated() {
            var match = Match(position: position, matchedWords: 0, insideOnly: 0, firstIndex: Int.max, asTyped: 0, nameLength: words.count)
            for (word, stem) in zip(queryWords, stems) {
                guard let found = SearchText.bestMatch(word, stem: stem, in: words) else { continue }
                match.matchedWords += 1
                match.firstIndex = min(match.firstIndex, found.index)
                switch found.match {
                case .inside: match.insideOnly += 1
                case .stemStart: break
                case .start: match.asTyped += 1
                }
            }
            if match.matchedWords > 0 { matches.append(match) }
        }
        matches.sort { a, b in
            if a.matchedWords != b.matchedWords { return a.matchedWords > b.matchedWords }
            if a.insideOnly != b.insideOnly { return a.insideOnly < b.insideOnly }
            if a.firstIndex != b.firstIndex { return a.firstIndex < b.firstIndex }
            if a.asTyped != b.asTyped { return a.asTyped > b.asTyped }
            if a.nameLength != b.nameLength { return a.nameLength < b.nameLength }
            return a.position < b.position
        }
        return matches.prefix(limit).map { entries[$0.position] }
    }

    /// The known entries among `codes` as typed into a form, each once; an unknown code adds
    /// `validation_okved_unknown` to `field`. Blank values are skipped.
    public func validatedCodes(_ codes: [String], field: String, into errors: inout FieldErrors) -> [OKVEDEntry] {
        var found: [OKVEDEntry] = []
        for code in codes where !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if let known = entry(code) {
                if !found.contains(known) { found.append(known) }
            } else {
                errors.add(field, "validation_okved_unknown")
            }
        }
        return found
    }

    /// A code as stored: trimmed, trailing dots dropped, a section letter upper-cased, and bare
    /// digits dotted the OKVED way (`6201` → `62.01`, `620311` → `62.03.11`).
    public static func normalizedCode(_ text: String) -> String {
        var code = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while code.hasSuffix(".") { code.removeLast() }
        if code.count == 1, let letter = code.first, letter.isASCII, letter.isLetter {
            return code.uppercased()
        }
        let characters = Array(code)
        guard characters.count > 2, characters.allSatisfy({ $0.isASCII && $0.isNumber }) else { return code }
        var dotted = String(characters[0..<2]) + "." + String(characters[2..<min(4, characters.count)])
        if characters.count > 4 {
            dotted += "." + String(characters[4...])
        }
        return dotted
    }

    private static func looksLikeCode(_ text: String) -> Bool {
        if text.count == 1, let letter = text.first, letter.isASCII, letter.isLetter { return true }
        return text.first?.isNumber == true && text.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." }
    }
}
