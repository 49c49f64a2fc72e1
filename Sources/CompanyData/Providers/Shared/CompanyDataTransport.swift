import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOCore

/// A provider's HTTP answer, body fully read.
struct ProviderHTTPReply: Sendable {
    var status: Int
    /// `retry-after` in seconds, when sent.
    var retryAfter: Duration?
    var body: Data

    var isSuccess: Bool { (200..<300).contains(status) }

    var json: ProviderJSON? { ProviderJSON.parse(body) }

    /// The start of the body as text, for an error message when it is not what was expected.
    var bodyExcerpt: String {
        String(decoding: body.prefix(200), as: UTF8.self)
    }
}

/// The one place the adapters touch the network: GET with a query or POST a JSON body, read the
/// whole reply up to a size limit, and turn transport trouble into `CompanyDataError.unreachable`.
/// HTTP error statuses are returned, not thrown: only the adapter knows its provider's error
/// format. It also times each operation and reports it to the usage recorder.
struct CompanyDataTransport: Sendable {
    let provider: CompanyDataProviderKind
    let httpClient: HTTPClient
    let requestTimeout: Duration
    let maxResponseBytes: Int
    let redactor: KeyRedactor
    let usageRecorder: (any CompanyDataUsageRecorder)?
    let tenantID: String?
    let logger: Logger

    init(configuration: CompanyDataProviderConfiguration, httpClient: HTTPClient, usageRecorder: (any CompanyDataUsageRecorder)?,
         logger: Logger) {
        self.provider = configuration.kind
        self.httpClient = httpClient
        self.requestTimeout = configuration.requestTimeout
        self.maxResponseBytes = configuration.maxResponseBytes
        self.redactor = KeyRedactor(key: configuration.apiKey)
        self.usageRecorder = usageRecorder
        self.tenantID = configuration.tenantID
        self.logger = logger
    }

    /// `query` may carry the key (Checko, api-fns): the URL is never logged.
    func get(_ url: String, query: [(String, String)], headers: [(String, String)] = []) async throws -> ProviderHTTPReply {
        let separator = url.contains("?") ? "&" : "?"
        return try await execute(url: query.isEmpty ? url : url + separator + Self.queryString(query), jsonBody: nil, headers: headers)
    }

    /// `headers` carry the credentials (DaData); they are never logged.
    func postJSON(_ url: String, body: Data, headers: [(String, String)]) async throws -> ProviderHTTPReply {
        try await execute(url: url, jsonBody: body, headers: headers)
    }

    private func execute(url: String, jsonBody: Data?, headers: [(String, String)]) async throws -> ProviderHTTPReply {
        var request = HTTPClientRequest(url: url)
        if let jsonBody {
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: jsonBody))
        } else {
            request.method = .GET
        }
        request.headers.add(name: "accept", value: "application/json")
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }

        let started = ContinuousClock.now
        do {
            let response = try await httpClient.execute(request, timeout: requestTimeout.timeAmount)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            let reply = ProviderHTTPReply(
                status: Int(response.status.code),
                retryAfter: Self.retryAfter(response.headers.first(name: "retry-after")),
                body: Data(body.readableBytesView))
            logger.debug("company data provider replied", metadata: [
                "company_data.provider": "\(provider.rawValue)",
                "http.status": "\(reply.status)",
                "company_data.latency_ms": "\((ContinuousClock.now - started).wholeMilliseconds)",
            ])
            return reply
        } catch is NIOTooManyBytesError {
            throw CompanyDataError.badResponse(provider: provider, message: "the reply is larger than \(maxResponseBytes) bytes")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let reason: String
            if let clientError = error as? HTTPClientError,
               clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .connectTimeout {
                reason = "no reply within \(requestTimeout)"
            } else {
                reason = redactor.message("\(error)")
            }
            logger.debug("company data provider unreachable", metadata: [
                "company_data.provider": "\(provider.rawValue)", "error": "\(reason)",
            ])
            throw CompanyDataError.unreachable(provider: provider, message: reason)
        }
    }

    /// Runs one operation (which may make several requests), timing it and reporting one usage
    /// event: `.ok` on success, the error's outcome on failure.
    func recording<Value: Sendable>(_ operation: CompanyDataOperation, _ body: () async throws -> Value) async throws -> Value {
        try await recording(operation, outcome: { _ in .ok }, body)
    }

    /// As above, with the outcome of a success chosen from the value (a lookup that found
    /// nothing is `.notFound`).
    func recording<Value: Sendable>(_ operation: CompanyDataOperation, outcome: (Value) -> CompanyDataCallOutcome,
                                    _ body: () async throws -> Value) async throws -> Value {
        let startedAt = Date()
        let started = ContinuousClock.now
        do {
            let value = try await body()
            await report(operation, outcome: outcome(value), startedAt: startedAt, latency: ContinuousClock.now - started)
            return value
        } catch {
            await report(operation, outcome: CompanyDataCallOutcome(error: error), startedAt: startedAt, latency: ContinuousClock.now - started)
            throw error
        }
    }

    private func report(_ operation: CompanyDataOperation, outcome: CompanyDataCallOutcome, startedAt: Date, latency: Duration) async {
        guard let usageRecorder else { return }
        await usageRecorder.record(CompanyDataUsageEvent(
            tenantID: tenantID, provider: provider, operation: operation, latency: latency, outcome: outcome, startedAt: startedAt))
    }

    /// A redacted, shortened message for an error.
    func message(_ text: String) -> String {
        let cleaned = redactor.message(text)
        return cleaned.isEmpty ? "no message" : cleaned
    }

    static func queryString(_ items: [(String, String)]) -> String {
        items.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay, everything else (Cyrillic, spaces, `+`, `&`) is
    /// percent-encoded as UTF-8.
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static var unreserved: CharacterSet {
        CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    }

    private static func retryAfter(_ header: String?) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), let seconds = Int64(text), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}

extension Duration {
    /// AsyncHTTPClient takes NIO's `TimeAmount`; configuration speaks `Duration`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let cappedSeconds = min(max(seconds, 0), Int64.max / 1_000_000_000 - 1)
        return .nanoseconds(cappedSeconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds, for log lines.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
