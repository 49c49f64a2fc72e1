import Domain
import Foundation

/// Wraps the values read from one reply with the reply's source and time.
struct SourcedFields: Sendable {
    let source: CompanyDataSource
    let fetchedAt: Date

    func value<Value: Sendable & Hashable & Codable>(_ value: Value?) -> Sourced<Value>? {
        value.map { Sourced($0, source: source, fetchedAt: fetchedAt) }
    }

    /// Trimmed; nil when blank.
    func text(_ text: String?) -> Sourced<String>? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return Sourced(trimmed, source: source, fetchedAt: fetchedAt)
    }

    /// Trimmed, blanks and repeats dropped; nil when nothing is left.
    func list(_ values: [String]) -> Sourced<[String]>? {
        var seen = Set<String>()
        let cleaned = values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        return cleaned.isEmpty ? nil : Sourced(cleaned, source: source, fetchedAt: fetchedAt)
    }

    func activities(_ values: [OKVEDActivity]) -> Sourced<[OKVEDActivity]>? {
        values.isEmpty ? nil : Sourced(values, source: source, fetchedAt: fetchedAt)
    }
}
