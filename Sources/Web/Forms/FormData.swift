import Foundation

/// An `application/x-www-form-urlencoded` body (or query string) as a dictionary. Repeated keys
/// keep the last value: none of our forms repeat a field.
struct FormData: Sendable, Equatable {
    private(set) var values: [String: String] = [:]

    init() {}

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), !key.isEmpty else { continue }
            values[key] = parts.count > 1 ? (Self.decode(parts[1]) ?? "") : ""
        }
    }

    subscript(_ key: String) -> String {
        values[key] ?? ""
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
