import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// OpenAI's Chat Completions on loopback, as much of it as the LLM settings page's "Test" needs:
/// Bearer authentication answered with OpenAI's documented 401 body for any other key, and a
/// well-formed completion whose content is the smallest answer the test schema allows. (The
/// full provider fakes are in ProviderFakes, which this test target does not link.)
final class FakeChatCompletionsServer: Sendable {
    struct CouldNotStart: Error {}

    /// Every `Authorization` header received, in order.
    final class Recorder: Sendable {
        private let values = Mutex<[String]>([])

        func record(_ value: String) {
            values.withLock { $0.append(value) }
        }

        var all: [String] { values.withLock { $0 } }
    }

    let apiKey: String
    let port: Int
    private let recorder: Recorder
    private let task: Task<Void, Never>

    /// What a provider's base URL should be to reach this fake.
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    var authorizations: [String] { recorder.all }

    private init(apiKey: String, port: Int, recorder: Recorder, task: Task<Void, Never>) {
        self.apiKey = apiKey
        self.port = port
        self.recorder = recorder
        self.task = task
    }

    static func start(apiKey: String) async throws -> FakeChatCompletionsServer {
        let recorder = Recorder()
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let authorization = request.headers[.authorization] ?? ""
            recorder.record(authorization)
            return FakeChatCompletionsServer.reply(
                method: request.method, path: request.uri.path, authorization: authorization, body: String(buffer: body), apiKey: apiKey)
        }
        var logger = Logger(label: "smartysales.web-tests.fake-chat-completions")
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
        let task = Task {
            try? await application.run()
            portContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            await task.value
            throw CouldNotStart()
        }
        return FakeChatCompletionsServer(apiKey: apiKey, port: port, recorder: recorder, task: task)
    }

    func stop() async {
        task.cancel()
        await task.value
    }

    static func reply(method: HTTPRequest.Method, path: String, authorization: String, body: String, apiKey: String) -> Response {
        guard authorization == "Bearer \(apiKey)" else {
            let presented = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : authorization
            let masked = presented.count > 8 ? "\(presented.prefix(3))***\(presented.suffix(4))" : "***"
            return json(.unauthorized, #"{"error":{"message":"Incorrect API key provided: \#(masked). You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
        }
        guard method == .post, path == "/v1/chat/completions" else {
            return json(.notFound, #"{"error":{"message":"Invalid URL (\#(method.rawValue) \#(path))","type":"invalid_request_error","param":null,"code":"unknown_url"}}"#)
        }
        let request = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        let model = request?["model"] as? String ?? "gpt-4.1-mini"
        return json(.ok, #"{"id":"chatcmpl-fake000001","object":"chat.completion","created":1800000000,"model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":"{\"ok\":true}","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":41,"completion_tokens":5,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":0}}}"#)
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
