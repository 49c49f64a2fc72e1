import Foundation

/// Validation failures keyed by form field name. The value is a message key that the web layer
/// translates, so Domain stays free of UI text while still saying precisely what is wrong.
public struct FieldErrors: Sendable, Equatable, Error {
    public private(set) var messages: [String: String] = [:]

    public init() {}

    public init(_ messages: [String: String]) {
        self.messages = messages
    }

    public var isEmpty: Bool { messages.isEmpty }

    /// Records the first problem of a field; later ones would only repeat the same advice.
    public mutating func add(_ field: String, _ messageKey: String) {
        if messages[field] == nil { messages[field] = messageKey }
    }

    public subscript(field: String) -> String? { messages[field] }

    public func throwIfAny() throws {
        if !isEmpty { throw self }
    }
}
