/// `Message-ID`, `In-Reply-To` and `References` values: the `<id>` tokens in order, without
/// brackets, comments and folding; bare ids without brackets (old mailers) are accepted when
/// they look like `local@domain`, and so is an unterminated `<id`. Duplicates are dropped, first occurrence kept.
public enum MessageIDs {
    public static func parse(_ raw: [UInt8]) -> [String] {
        var comments: [String] = []
        let text = MailAddress.stripComments(raw, into: &comments)
        // Ids are ASCII in practice (a long `References` of a mailing-list thread is read for
        // every message), and on ASCII the byte scan finds what the character scan finds.
        guard text.allSatisfy({ $0 < 0x80 }) else { return parseCharacters(String(decoding: text, as: UTF8.self)) }
        var ids = IDList()
        var cursor = 0
        var sawBrackets = false
        while let open = text[cursor...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = text[(open + 1)...].firstIndex(of: UInt8(ascii: ">")) else { break }
            ids.add(text[(open + 1)..<close])
            sawBrackets = true
            cursor = close + 1
        }
        if !sawBrackets {
            let tokens = text.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ",") })
            for token in tokens where token.contains(UInt8(ascii: "@")) {
                ids.add(token.drop { $0 == UInt8(ascii: "<") }.prefix { $0 != UInt8(ascii: ">") })
            }
        }
        return ids.ids
    }

    /// The ids found so far, in order, without repeats.
    private struct IDList {
        var ids: [String] = []
        var seen = Set<String>()

        /// Adds the id with whitespace (folding) removed, unless it is empty or already there.
        mutating func add(_ id: ArraySlice<UInt8>) {
            let cleaned: String
            if id.contains(where: ASCIIFastPath.isWhitespace) {
                cleaned = String(decoding: id.filter { !ASCIIFastPath.isWhitespace($0) }, as: UTF8.self)
            } else {
                cleaned = String(decoding: id, as: UTF8.self)
            }
            if !cleaned.isEmpty, seen.insert(cleaned).inserted { ids.append(cleaned) }
        }
    }

    /// The same reading over `Character`s, for the rare value with 8-bit bytes in it.
    private static func parseCharacters(_ text: String) -> [String] {
        var ids: [String] = []
        var seen = Set<String>()
        func add(_ id: Substring) {
            let cleaned = id.filter { !$0.isWhitespace }
            if !cleaned.isEmpty, seen.insert(cleaned).inserted { ids.append(cleaned) }
        }
        var rest = Substring(text)
        var sawBrackets = false
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            add(rest[rest.index(after: open)..<close])
            sawBrackets = true
            rest = rest[rest.index(after: close)...]
        }
        if !sawBrackets {
            for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) where token.contains("@") {
                add(token.drop { $0 == "<" }.prefix { $0 != ">" })
            }
        }
        return ids
    }
}
