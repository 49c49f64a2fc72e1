import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one place adapters touch the network: POST a JSON body, read the whole reply up to a
/// size limit, and turn transport trouble into `LLMError.unreachable`. HTTP error statuses are
/// returned, not thrown: only the adapter knows its provider's error format.
struct ProviderTransport: Sendable {
    let provider: LLMProviderKind
    let httpClient: HTTPClient
    let requestTimeout: Duration
    let maxResponseBytes: Int
    let redactor: SecretRedactor
    let logger: Logger

    init(provider: LLMProviderKind, configuration: LLMProviderConfiguration, httpClient: HTTPClient, logger: Logger) {
        self.provider = provider
        self.httpClient = httpClient
        self.requestTimeout = configuration.requestTimeout
        self.maxResponseBytes = configuration.maxResponseBytes
        self.redactor = SecretRedactor(secrets: [configuration.apiKey])
        self.logger = logger
    }

    /// `headers` carry the credentials; they are never logged.
    func postJSON(to url: String, headers: [(String, String)], body: some Encodable) async throws -> ProviderReply {
        let payload: Data
        do {
            payload = try WireJSON.encode(body)
        } catch {
            throw LLMError.badRequest(provider: provider, status: 0, message: "the request could not be encoded as JSON: \(error)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json")
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: payload))

        let started = ContinuousClock.now
        do {
            let response = try await httpClient.execute(request, timeout: requestTimeout.timeAmount, logger: logger)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            let reply = ProviderReply(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
            logger.debug("LLM provider replied", metadata: [
                "llm.provider": "\(provider.rawValue)",
                "http.status": "\(reply.status)",
                "llm.latency_ms": "\((ContinuousClock.now - started).wholeMilliseconds)",
            ])
            return reply
        } catch is NIOTooManyBytesError {
            throw LLMError.malformedAnswer(provider: provider, message: "the reply is larger than \(maxResponseBytes) bytes")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let reason: String
            if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .connectTimeout {
                reason = "no reply within \(requestTimeout)"
            } else {
                reason = redactor.message("\(error)")
            }
            logger.debug("LLM provider unreachable", metadata: ["llm.provider": "\(provider.rawValue)", "error": "\(reason)"])
            throw LLMError.unreachable(provider: provider, message: reason)
        }
    }
}
