import Foundation

/// The one grammar of a problem stored as text, `<prefix><code>?name=value&…`, shared by the
/// inbox's ``MailProblem`` and the prospects' ``ProspectProblem``: a stable code the pages word
/// in the reader's language, with the values the sentence names. Values are percent-escaped
/// so that `&`, `=`, `%`, `?` and spaces inside them can never be read as the grammar's marks;
/// names are lower-case ASCII. Pairs are written sorted, so one problem is always one text.
enum StoredProblemText {
    /// Only letters, digits and `-._~` go unescaped.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    static let nameCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789_")

    static func encode(prefix: String, code: String, values: [String: String]) -> String {
        guard !values.isEmpty else { return prefix + code }
        let pairs = values.sorted { $0.key < $1.key }.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")"
        }
        return prefix + code + "?" + pairs.joined(separator: "&")
    }

    /// The code and values of `stored`; nil when it is not in the grammar (another prefix, a
    /// pair without `=`, a bad name or escape, a name twice). Whether the code is known and its
    /// values complete is the caller's to judge.
    static func decode(_ stored: String, prefix: String) -> (code: String, values: [String: String])? {
        guard stored.hasPrefix(prefix) else { return nil }
        let rest = stored.dropFirst(prefix.count)
        let codeText: Substring
        let query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            codeText = rest[..<mark]
            query = rest[rest.index(after: mark)...]
        } else {
            codeText = rest
            query = nil
        }
        var values: [String: String] = [:]
        if let query {
            for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
                guard let equals = pair.firstIndex(of: "=") else { return nil }
                let name = String(pair[..<equals])
                let encoded = pair[pair.index(after: equals)...]
                guard !name.isEmpty, name.unicodeScalars.allSatisfy({ nameCharacters.contains($0) }),
                      encoded.unicodeScalars.allSatisfy({ $0 == "%" || unreserved.contains($0) }),
                      let value = String(encoded).removingPercentEncoding, values[name] == nil else { return nil }
                values[name] = value
            }
        }
        return (String(codeText), values)
    }
}
