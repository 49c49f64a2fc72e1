import Foundation

/// Removes the API key from any text that may end up in an error, a log line or an audit event.
/// Providers echo keys back (OpenAI's 401 names the key it got; a misconfigured proxy may echo
/// the whole request), so every message taken from a reply passes through here first.
struct SecretRedactor: Sendable {
    private let secrets: [String]

    init(secrets: [String]) {
        // A very short "secret" would blank out ordinary words; real keys are long.
        self.secrets = secrets.filter { $0.count >= 6 }
    }

    func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    /// Redacted and cut to a length that keeps error messages and logs readable.
    func message(_ text: String, limit: Int = 500) -> String {
        let redacted = redact(text).trimmingCharacters(in: .whitespacesAndNewlines)
        return redacted.count > limit ? String(redacted.prefix(limit)) + "…" : redacted
    }
}
