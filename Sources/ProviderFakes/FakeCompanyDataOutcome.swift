import Foundation

/// What a company-data fake does with the next request. Each fake renders an outcome in its
/// provider's documented format: the same `.quotaExhausted` is DaData's 403 "Feature
/// 'SUGGESTIONS' disabled for token '…'" and Checko's 403 with `meta.status: "error"`.
public indirect enum FakeCompanyDataOutcome: Sendable, Hashable {
    /// Answer from the script's company list (found, or the provider's "not found").
    case answer
    /// The daily quota is used up, the way the provider says so over HTTP.
    case quotaExhausted
    /// Checko: the quota message inside HTTP 200 (`meta.status: "error"`). DaData has no in-band
    /// errors and answers as for `.quotaExhausted`.
    case inBandQuotaExhausted
    /// The key is refused.
    case unauthorized
    /// 429, with `retry-after` in seconds when given.
    case rateLimited(retryAfterSeconds: Int? = 1)
    /// 500 in the provider's format.
    case serverError
    /// HTTP 200 with a body that is not the provider's format (an HTML page from a proxy, say).
    case garbage(String = "<html><body><h1>502 Bad Gateway</h1></body></html>")
    /// Anything else, byte for byte.
    case raw(status: Int, headers: [FakeHeader] = [], body: String)
    /// Wait, then answer with `then` (on top of the script's latency).
    case delayed(Duration, then: FakeCompanyDataOutcome)
}

/// A request a company-data fake received, kept so tests can check what the client sent: where
/// the key went (DaData's header, Checko's query), the parameters and the JSON body.
public struct FakeCompanyDataRequest: Sendable {
    public let method: String
    public let path: String
    /// The query string without `?`, as sent.
    public let rawQuery: String
    /// Query parameters, percent-decoded; the last one wins when a name repeats.
    public let query: [String: String]
    public let headers: [FakeHeader]
    public let rawBody: String
    /// Nil when the body is not JSON (or empty).
    public let body: FakeJSON?

    init(_ http: FakeHTTPRequest) {
        method = http.method
        path = http.path
        rawQuery = http.query
        query = Self.parameters(http.query)
        headers = http.headers
        rawBody = http.body
        body = http.body.isEmpty ? nil : FakeJSON.parse(http.body)
    }

    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name == name }?.value
    }

    static func parameters(_ query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decoded(parts[0])
            parameters[name] = parts.count > 1 ? decoded(parts[1]) : ""
        }
        return parameters
    }

    private static func decoded(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
