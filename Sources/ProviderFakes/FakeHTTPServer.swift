import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A header as received or sent; names are lower-case.
public struct FakeHeader: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name.lowercased()
        self.value = value
    }
}

/// One HTTP exchange as the provider fakes see it, free of Hummingbird types.
struct FakeHTTPRequest: Sendable {
    var method: String
    var path: String
    var headers: [FakeHeader]
    var body: String
    /// The raw query string without the `?` (the company-data fakes read their key from it).
    var query: String = ""

    func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name == name }?.value
    }
}

struct FakeHTTPResponse: Sendable {
    var status: Int
    var headers: [FakeHeader]
    var body: String
    /// Blank lines written, one at a time with a pause, before the body: DeepSeek's way of
    /// keeping a queued request's connection alive.
    var keepAliveLines = 0

    static func json(_ status: Int, _ body: FakeJSON, headers: [FakeHeader] = []) -> FakeHTTPResponse {
        FakeHTTPResponse(status: status, headers: headers, body: body.encoded())
    }
}

/// A Hummingbird application on 127.0.0.1 with an ephemeral port, answering every request
/// through one handler. Started per test, stopped by the test.
final class FakeHTTPServer: Sendable {
    enum StartError: Error {
        case couldNotBind
    }

    let port: Int
    private let task: Task<Void, Never>

    private init(port: Int, task: Task<Void, Never>) {
        self.port = port
        self.task = task
    }

    static func start(handler: @escaping @Sendable (FakeHTTPRequest) async -> FakeHTTPResponse) async throws -> FakeHTTPServer {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 20)
            let received = FakeHTTPRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                headers: request.headers.map { FakeHeader($0.name.canonicalName, $0.value) },
                body: String(buffer: body),
                query: request.uri.query ?? ""
            )
            return FakeHTTPServer.hummingbirdResponse(await handler(received))
        }
        // Critical only: stopping a fake cancels its server, which Hummingbird logs as an error.
        var logger = Logger(label: "smartysales.provider-fakes")
        logger.logLevel = .critical
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let serverLogger = logger
        let task = Task {
            do {
                try await application.run()
            } catch {
                serverLogger.warning("fake provider server stopped: \(error)")
            }
            portContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            await task.value
            throw StartError.couldNotBind
        }
        return FakeHTTPServer(port: port, task: task)
    }

    /// Closes the listener and every open connection; returns when the server has stopped.
    func stop() async {
        task.cancel()
        await task.value
    }

    private static func hummingbirdResponse(_ response: FakeHTTPResponse) -> Response {
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) {
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        fields[.contentType] = "application/json"
        let status = HTTPResponse.Status(code: response.status, reasonPhrase: reasonPhrase(response.status))
        guard response.keepAliveLines > 0 else {
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: response.body)))
        }
        let lines = response.keepAliveLines
        let body = response.body
        return Response(status: status, headers: fields, body: ResponseBody { writer in
            for _ in 0..<lines {
                try await writer.write(ByteBuffer(string: "\n"))
                try? await Task.sleep(for: .milliseconds(20))
            }
            try await writer.write(ByteBuffer(string: body))
            try await writer.finish(nil)
        })
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Payload Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 529: "Overloaded"
        default: "Status"
        }
    }
}
