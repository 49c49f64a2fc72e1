import Foundation

/// Removes the API key from any text that may end up in an error, a log line or an audit event.
/// Providers echo keys back (DaData's quota message names the token; Checko and api-fns take the
/// key in the query string, which a proxy or an HTTP client error may repeat), so every message
/// taken from a reply or a transport error passes through here, in plain and percent-encoded form.
struct KeyRedactor: Sendable {
    private let secrets: [String]

    init(key: String) {
        // A very short "key" would blank out ordinary words; real keys are long.
        guard key.count >= 6 else {
            secrets = []
            return
        }
        let encoded = CompanyDataTransport.percentEncoded(key)
        secrets = encoded == key ? [key] : [key, encoded]
    }

    func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    /// Redacted, trimmed and cut to a length that keeps errors and logs readable.
    func message(_ text: String, limit: Int = 300) -> String {
        let redacted = redact(text).trimmingCharacters(in: .whitespacesAndNewlines)
        return redacted.count > limit ? String(redacted.prefix(limit)) + "…" : redacted
    }
}
