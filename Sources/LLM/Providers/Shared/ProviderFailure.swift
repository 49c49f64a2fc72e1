import Foundation

/// A non-2xx reply, read once into what every provider's error mapping needs: the status, the
/// error body's `type`/`code`/`message` (OpenAI, DeepSeek and Anthropic all nest them under
/// `"error"`), the server's retry delay and its `x-should-retry` verdict.
struct ProviderFailure: Sendable {
    var status: Int
    var errorType: String?
    var errorCode: String?
    /// Redacted: never carries the API key.
    var message: String
    var retryAfter: Duration?
    var shouldRetry: Bool?

    init(reply: ProviderReply, redactor: SecretRedactor, now: Date = Date()) {
        status = reply.status
        retryAfter = RetryAfterHeader.delay(in: reply.headers, now: now)
        shouldRetry = RetryAfterHeader.shouldRetry(in: reply.headers)
        let detail = (try? JSONDecoder().decode(ErrorEnvelope.self, from: reply.body))?.error
        errorType = detail?.type
        errorCode = detail?.code.flatMap(Self.text)
        let rawMessage = detail?.message ?? String(decoding: reply.body.prefix(300), as: UTF8.self)
        let cleaned = redactor.message(rawMessage)
        message = cleaned.isEmpty ? "HTTP \(reply.status)" : cleaned
    }

    /// The error a status alone suggests, corrected by `x-should-retry`: `false` turns a
    /// transient failure final (as a bad request: retrying cannot help), `true` turns a bad
    /// request into a transient one. Quota and authorisation errors stay as they are.
    func honouringShouldRetry(_ error: LLMError) -> LLMError {
        switch (shouldRetry, error) {
        case (false?, .transient(let provider, let status, let message, _)):
            .badRequest(provider: provider, status: status, message: message)
        case (true?, .badRequest(let provider, let status, let message)):
            .transient(provider: provider, status: status, message: message, retryAfter: retryAfter)
        default:
            error
        }
    }

    /// `code` is a string at OpenAI and DeepSeek, sometimes a number or null elsewhere.
    private static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number) where number.isFinite && abs(number) < 1e15: String(Int(number))
        default: nil
        }
    }

    private struct ErrorEnvelope: Decodable {
        var error: Detail?
    }

    private struct Detail: Decodable {
        var message: String?
        var type: String?
        var code: JSONValue?
    }
}
