import Foundation
import NIOHTTP1

/// How long the server asked us to wait before the next attempt, in the order the OpenAI and
/// Anthropic SDKs read it: `retry-after-ms` (milliseconds, OpenAI), then `retry-after`, which
/// RFC 9110 allows as delay-seconds or as an HTTP date.
enum RetryAfterHeader {
    static func delay(in headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let text = headers.first(name: "retry-after-ms")?.trimmingCharacters(in: .whitespaces),
           let milliseconds = nonNegativeNumber(text, unit: .milliseconds(1)) {
            return milliseconds
        }
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return nil
        }
        if let seconds = nonNegativeNumber(text, unit: .seconds(1)) {
            return seconds
        }
        guard let date = httpDate(text) else { return nil }
        return .milliseconds(Int64((max(0, date.timeIntervalSince(now)) * 1_000).rounded()))
    }

    /// `text` as a count of `unit`: integers exactly, decimals (`1.5`) to the millisecond.
    private static func nonNegativeNumber(_ text: String, unit: Duration) -> Duration? {
        if let whole = Int64(text) {
            return whole >= 0 ? unit * whole : nil
        }
        guard let number = Double(text), number.isFinite, number >= 0, number < 1e12 else { return nil }
        return .milliseconds(Int64((number * Double(unit.wholeMilliseconds)).rounded()))
    }

    /// `x-should-retry: true|false`: the server's own verdict, which overrides the status code.
    static func shouldRetry(in headers: HTTPHeaders) -> Bool? {
        switch headers.first(name: "x-should-retry")?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form RFC 9110 lets senders use.
    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
