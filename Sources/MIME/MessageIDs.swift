/// `Message-ID`, `In-Reply-To` and `References` values: the `<id>` tokens in order, without
/// brackets, comments and folding; bare ids without brackets (old mailers) are accepted when
/// they look like `local@domain`, and so is an unterminated `<id`. Duplicates are dropped, first occurrence kept.
public enum MessageIDs {
    public static func parse(_ raw: [UInt8]) -> [String] {
        var comments: [String] = []
        let text = String(decoding: MailAddress.stripComments(raw, into: &comments), as: UTF8.self)
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
