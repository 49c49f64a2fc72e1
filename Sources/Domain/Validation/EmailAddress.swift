import Foundation

/// A syntactically plausible e-mail address, stored lower-cased so that sign-in and uniqueness
/// do not depend on how someone typed their address.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible, Codable {
    public let value: String

    public init?(_ raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard trimmed.utf8.count <= 254, Self.isPlausible(trimmed) else { return nil }
        value = trimmed
    }

    public var description: String { value }

    /// Deliberately simple: one `@`, a non-empty local part without spaces, a dotted domain.
    /// Full RFC 5322 grammar accepts addresses no mail server would deliver to.
    private static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty else { return false }
        guard !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else { return false }
        return true
    }
}
