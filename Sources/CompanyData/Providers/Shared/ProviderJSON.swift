import Foundation

/// JSON as read from a provider's reply. The adapters read replies through this rather than
/// fixed Codable types because the providers are loose about types (a code may come as a number
/// or a string; Checko's `Статус` is an object on a company card and a string in search results),
/// while a reply of the wrong shape altogether must still be told apart: that is `badResponse`.
enum ProviderJSON: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ProviderJSON])
    case object([String: ProviderJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ProviderJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ProviderJSON].self))
        }
    }

    /// Nil when `data` is not one JSON document.
    static func parse(_ data: Data) -> ProviderJSON? {
        try? JSONDecoder().decode(ProviderJSON.self, from: data)
    }

    subscript(key: String) -> ProviderJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var object: [String: ProviderJSON]? {
        if case .object(let object) = self { return object }
        return nil
    }

    var array: [ProviderJSON]? {
        if case .array(let array) = self { return array }
        return nil
    }

    var isNull: Bool { self == .null }

    /// A non-blank string, trimmed; a whole number as its digits (codes sometimes come as numbers).
    var text: String? {
        switch self {
        case .string(let value):
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .number(let value) where value.rounded() == value && abs(value) < 1e15:
            return String(Int64(value))
        default:
            return nil
        }
    }

    /// A number, or a string holding one (`"1234.5"`, `"1 234,5"`).
    var number: Double? {
        switch self {
        case .number(let value):
            return value.isFinite ? value : nil
        case .string(let value):
            let cleaned = value.filter { !$0.isWhitespace }.replacingOccurrences(of: ",", with: ".")
            return Double(cleaned).flatMap { $0.isFinite ? $0 : nil }
        default:
            return nil
        }
    }

    /// `number` rounded, when it fits.
    var int64: Int64? {
        guard let number = self.number, abs(number) < 9.0e18 else { return nil }
        return Int64(number.rounded())
    }

    var int: Int? {
        int64.map { Int($0) }
    }

    /// Non-blank strings of an array (or a single string as a one-element list).
    var texts: [String] {
        if let single = self.text { return [single] }
        return array?.compactMap(\.text) ?? []
    }
}
