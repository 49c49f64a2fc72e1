import Domain
import Foundation

/// The regions of Russia the product knows: the 86 of the source list and the four it lacks.
public struct RegionCatalog: Sendable {
    /// Ordered by code.
    public let all: [Region]
    private let byCode: [String: Region]
    private let nameWords: [[String]]

    public init(regions: [Region]) throws {
        var byCode: [String: Region] = [:]
        for region in regions {
            guard byCode.updateValue(region, forKey: region.code) == nil else {
                throw ReferenceDataError.malformed(file: "regions.json", reason: "region \(region.code) appears twice")
            }
        }
        let sorted = regions.sorted { $0.code < $1.code }
        self.all = sorted
        self.byCode = byCode
        self.nameWords = sorted.map { SearchText.words($0.nameWithType + " " + $0.fullName + " " + $0.name) }
    }

    public init(contentsOf url: URL) throws {
        try self.init(regions: ReferenceFiles.decode(File.self, from: url).regions)
    }

    private struct File: Decodable {
        var regions: [Region]
    }

    /// The table shipped with the product, read once per process.
    public static func bundled() throws -> RegionCatalog {
        try bundledCatalog.get()
    }

    private static let bundledCatalog = Result<RegionCatalog, any Error> {
        try RegionCatalog(contentsOf: ReferenceFiles.url("regions.json"))
    }

    public var count: Int { all.count }

    /// The region for a code as typed: `77`, ` 7 ` (read as `07`).
    public func region(_ code: String) -> Region? {
        byCode[Self.normalizedCode(code)]
    }

    public subscript(code: String) -> Region? { region(code) }

    /// The region of a KLADR id (`7700000000000`) or of its two-digit prefix.
    public func region(kladrID: String) -> Region? {
        let digits = kladrID.trimmingCharacters(in: .whitespacesAndNewlines)
        guard digits.count >= 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return byCode[String(digits.prefix(2))]
    }

    /// Digits are a code prefix (`7` finds 70–79, `77` Moscow); words must each begin a word of
    /// the name in any of its forms (`моск обл`, `Республика Саха`), case and «ё» ignored. Names
    /// that start with the first word come first, then by code.
    public func search(_ query: String, limit: Int = 20) -> [Region] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, limit > 0 else { return [] }
        if trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return Array(all.lazy.filter { $0.code.hasPrefix(trimmed) }.prefix(limit))
        }
        let queryWords = SearchText.words(trimmed)
        guard !queryWords.isEmpty else { return [] }
        var matches: [(position: Int, startsWithFirstWord: Bool)] = []
        for (position, words) in nameWords.enumerated() where SearchText.allPrefixMatch(queryWords, in: words) {
            let nameStart = SearchText.words(all[position].name).first ?? ""
            matches.append((position: position, startsWithFirstWord: nameStart.hasPrefix(queryWords[0])))
        }
        matches.sort { a, b in
            if a.startsWithFirstWord != b.startsWithFirstWord { return a.startsWithFirstWord }
            return a.position < b.position
        }
        return matches.prefix(limit).map { all[$0.position] }
    }

    /// The known regions among `codes` as typed into a form, each once; an unknown code adds
    /// `validation_region_unknown` to `field`. Blank values are skipped.
    public func validatedCodes(_ codes: [String], field: String, into errors: inout FieldErrors) -> [Region] {
        var found: [Region] = []
        for code in codes where !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if let known = region(code) {
                if !found.contains(known) { found.append(known) }
            } else {
                errors.add(field, "validation_region_unknown")
            }
        }
        return found
    }

    /// Trimmed, a single digit padded to two.
    public static func normalizedCode(_ text: String) -> String {
        let code = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if code.count == 1, code.first?.isNumber == true { return "0" + code }
        return code
    }
}
