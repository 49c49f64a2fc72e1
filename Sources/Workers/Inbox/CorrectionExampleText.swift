import Domain
import Foundation

/// A person's correction as one short example text for the classification prompt: the subject,
/// the sender's domain (the address itself says little about the kind of mail, and is personal
/// data the model does not need) and the start of the snippet.
enum CorrectionExampleText {
    static let snippetExcerptLength = 160

    static func make(_ correction: ClassificationCorrection) -> String {
        var parts: [String] = []
        let subject = correction.subject.trimmingCharacters(in: .whitespacesAndNewlines)
        if !subject.isEmpty { parts.append(subject) }
        if let domain = senderDomain(correction.sender) { parts.append("from " + domain) }
        let snippet = correction.snippet.trimmingCharacters(in: .whitespacesAndNewlines)
        if !snippet.isEmpty {
            parts.append(snippet.count > snippetExcerptLength ? String(snippet.prefix(snippetExcerptLength)) + "…" : snippet)
        }
        return parts.joined(separator: " — ")
    }

    /// `buyer.ru` from `Ivan <ivan@buyer.ru>` or `ivan@buyer.ru`; nil when there is no domain.
    static func senderDomain(_ sender: String) -> String? {
        guard let at = sender.lastIndex(of: "@") else { return nil }
        let domain = sender[sender.index(after: at)...].prefix { $0 != ">" && !$0.isWhitespace }.lowercased()
        return domain.isEmpty ? nil : domain
    }
}
