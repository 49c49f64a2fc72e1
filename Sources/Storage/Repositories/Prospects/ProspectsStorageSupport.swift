import Domain
import Foundation

/// Records and contacts are stored as JSON text: portable (SQLite has no JSON type to rely on,
/// and PostgreSQL's `jsonb` would reorder keys), and only the client card and the cache open
/// them. Dates keep Foundation's default encoding (seconds since 2001 as a number), which reads
/// back to the same `Date` exactly, so a stored record compares equal to the one that was saved.
enum ProspectJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func encode(_ value: some Encodable, with encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes a stored column; a value that does not decode is a corrupt row, named by `column`.
    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StorageError.corruptRow(column)
        }
    }
}

/// The columns of `clients` that repeat what the record says, so the list filters and sorts on
/// plain columns and never decodes `record_json`. Computed in one place for every write.
struct ClientColumns: Sendable {
    let inn: String
    let name: String
    let nameSearch: String
    let regionCode: String?
    let okvedCode: String?
    let revenue: Int64?
    let headcount: Int?
    let recordJSON: String

    init(_ record: CompanyRecord, encoder: JSONEncoder) throws {
        inn = record.inn.trimmingCharacters(in: .whitespacesAndNewlines)
        name = record.displayName
        nameSearch = ClientSearch.searchText(name: record.displayName, inn: inn)
        regionCode = record.regionCode?.value
        okvedCode = record.mainOKVED?.value.code
        revenue = record.revenue?.value.roubles
        headcount = record.headcount?.value
        recordJSON = try ProspectJSON.encode(record, with: encoder)
    }
}

/// Client search that behaves the same on both engines, by the inbox's rules (`InboxSearch`):
/// the stored column and the patterns are folded in Swift, and patterns escape with `!`.
enum ClientSearch {
    /// `name_search`: the folded name, a space, the INN.
    static func searchText(name: String, inn: String) -> String {
        InboxSearch.fold(name) + " " + inn
    }

    /// `text` with the `LIKE` wildcards (and the escape character) taken literally.
    static func escapedForLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == InboxSearch.escapeCharacter { escaped.append(InboxSearch.escapeCharacter) }
            escaped.append(character)
        }
        return escaped
    }

    /// Whether a search text is the start of an INN rather than words of a name.
    static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// A `LIKE` pattern for the codes below an OKVED code (it may match the code itself). OKVED2 adds one
    /// digit a level (`62` → `62.0` → `62.01` → `62.01.1` → `62.01.11`), with a dot after every
    /// second digit: below a code whose last group has two digits come codes that continue after
    /// a dot (`62` → `62.01`), below one whose last group has one digit come codes that continue
    /// that group (`62.0` → `62.01`).
    static func okvedSubtreePattern(_ code: String) -> String {
        let groups = code.split(separator: ".", omittingEmptySubsequences: false)
        let continuesGroup = groups.count > 1 && groups.last?.count == 1
        return escapedForLike(code) + (continuesGroup ? "%" : ".%")
    }
}
