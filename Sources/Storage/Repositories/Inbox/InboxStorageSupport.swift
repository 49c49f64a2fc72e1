import FluentKit
import Foundation
import SQLKit

extension Database {
    /// Both drivers (SQLite and PostgreSQL) are SQL databases. Inside a transaction this is the
    /// way to the transaction's own connection: asking `Persistence` for a fresh handle there
    /// would wait for SQLite's single connection, which the transaction holds.
    var asSQL: any SQLDatabase { self as! any SQLDatabase }
}

/// `[String]` columns, stored as JSON text (portable: no array type on SQLite).
enum JSONText {
    static func encode(_ values: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(values) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func strings(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

/// Case-insensitive search that behaves the same on both engines. SQLite's `LIKE` folds ASCII
/// only and PostgreSQL's `ILIKE` does not exist on SQLite, so both the stored search column and
/// the pattern are folded in Swift: lower-cased (Unicode-aware, Cyrillic included) with `ё` read
/// as `е`, the way Russian is usually typed.
enum InboxSearch {
    static func fold(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    static func searchText(fromName: String?, fromAddress: String, subject: String) -> String {
        fold([fromName ?? "", fromAddress, subject].filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// The character the patterns escape with (`LIKE … ESCAPE '!'`): a backslash would need
    /// different quoting on the two engines.
    static let escapeCharacter: Character = "!"

    /// A `LIKE` pattern matching `query` anywhere, with the query's own `%`, `_` and `!` taken literally.
    static func containsPattern(_ query: String) -> String {
        var escaped = ""
        for character in fold(query.trimmingCharacters(in: .whitespacesAndNewlines)) {
            if character == "%" || character == "_" || character == escapeCharacter { escaped.append(escapeCharacter) }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }
}

extension Sequence {
    /// Elements in order, each key once (the first wins).
    func uniqued<Key: Hashable>(by key: (Element) -> Key) -> [Element] {
        var seen = Set<Key>()
        return filter { seen.insert(key($0)).inserted }
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
