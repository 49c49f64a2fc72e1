import Foundation

/// An `application/x-www-form-urlencoded` body (or query string) as a dictionary. A repeated key
/// reads as its last value through the subscript; the few fields that do repeat (a group of
/// checkboxes: the client list's statuses, the rows picked for enrichment) read every value
/// through ``all(_:)``.
struct FormData: Sendable, Equatable {
    private(set) var values: [String: String] = [:]
    /// Every value of each key, in the order sent.
    private(set) var lists: [String: [String]] = [:]

    init() {}

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), !key.isEmpty else { continue }
            let value = parts.count > 1 ? (Self.decode(parts[1]) ?? "") : ""
            values[key] = value
            lists[key, default: []].append(value)
        }
    }

    subscript(_ key: String) -> String {
        values[key] ?? ""
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    /// Every value sent under `key`, in order; empty when there was none.
    func all(_ key: String) -> [String] {
        lists[key] ?? []
    }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
