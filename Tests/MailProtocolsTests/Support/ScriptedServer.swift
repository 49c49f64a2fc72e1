import NIOCore
import NIOPosix
import Synchronization

// A tiny line-based TCP server on 127.0.0.1 (port chosen by the system) for the faults a real
// mail server will not produce on demand: replies that never come, garbage, hang-ups in the
// middle of a reply, odd codes. Each connection gets a fresh `ScriptedConversation`, which is
// told about every line the client sends and says what to send back. No TLS.
//
//     try await withScriptedServer({ _ in
//         ScriptedSteps(greeting: [.line("220 scripted")], steps: [
//             .init(expect: "EHLO", actions: [.line("250 scripted")]),
//             .init(expect: "MAIL FROM", actions: []),          // never answers
//         ])
//     }) { server in
//         … connect to server.host, server.port …
//         #expect(server.receivedLines[0].first == "EHLO …")
//     }

/// What the server does: send bytes as given (line ends included), or hang up.
enum ScriptedAction: Sendable, Equatable {
    case send([UInt8])
    case close

    /// `text` followed by CRLF.
    static func line(_ text: String) -> ScriptedAction {
        .send(Array((text + "\r\n").utf8))
    }
}

/// One connection's side of a conversation. A fresh value serves each connection and lives on
/// the server's event loop, so it may keep state in plain stored properties.
protocol ScriptedConversation {
    /// What to do as soon as the client connects (a greeting); empty to wait for the client.
    mutating func opening() -> [ScriptedAction]
    /// What to do after a line from the client, given without its CRLF; empty to stay silent.
    mutating func respond(to line: String) -> [ScriptedAction]
}

/// A fixed script: each line must start with the next step's `expect` and gets its actions.
/// A line that does not fit is answered `SCRIPT MISMATCH …` and the connection closes, so the
/// client under test fails loudly; after the last step the server stays silent.
struct ScriptedSteps: ScriptedConversation {
    struct Step {
        var expect: String
        var actions: [ScriptedAction]
    }

    var greeting: [ScriptedAction]
    var steps: [Step]
    private var next = 0

    init(greeting: [ScriptedAction], steps: [Step]) {
        self.greeting = greeting
        self.steps = steps
    }

    func opening() -> [ScriptedAction] { greeting }

    mutating func respond(to line: String) -> [ScriptedAction] {
        guard next < steps.count else { return [] }
        let step = steps[next]
        next += 1
        guard line.hasPrefix(step.expect) else {
            return [.line("SCRIPT MISMATCH: expected \(step.expect), got \(line)"), .close]
        }
        return step.actions
    }
}

/// Answers every line with a closure; the closure may keep state in what it captures (it only
/// ever runs on the connection's event loop).
struct ScriptedReplies: ScriptedConversation {
    var greeting: [ScriptedAction]
    var reply: (String) -> [ScriptedAction]

    func opening() -> [ScriptedAction] { greeting }
    func respond(to line: String) -> [ScriptedAction] { reply(line) }
}

/// A running scripted server; `stop()` it, or use `withScriptedServer`, which always does.
final class ScriptedServer: Sendable {
    let host = "127.0.0.1"
    let port: Int
    private let listener: any Channel
    private let record: ScriptedServerRecord

    private init(port: Int, listener: any Channel, record: ScriptedServerRecord) {
        self.port = port
        self.listener = listener
        self.record = record
    }

    /// `makeConversation` gets the connection's number (0 for the first) and runs on the event loop.
    static func start(
        _ makeConversation: @escaping @Sendable (_ connection: Int) -> any ScriptedConversation
    ) async throws -> ScriptedServer {
        let record = ScriptedServerRecord()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let number = record.connectionOpened(child)
                    let handler = ScriptedConnectionHandler(
                        conversation: makeConversation(number), connection: number, record: record)
                    try child.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            _ = try? await listener.close().get()
            throw ScriptedServerError.noPort
        }
        return ScriptedServer(port: port, listener: listener, record: record)
    }

    /// How many clients have connected so far.
    var connectionCount: Int { record.connectionCount }

    /// Every line received (without CRLF), per connection in the order the clients connected.
    var receivedLines: [[String]] { record.lines }

    /// Stops listening and hangs up on every client still connected.
    func stop() async {
        _ = try? await listener.close().get()
        for connection in record.connections {
            _ = try? await connection.close().get()
        }
    }
}

/// Runs `body` against a fresh server and stops the server afterwards, also when `body` throws.
func withScriptedServer<Value>(
    _ makeConversation: @escaping @Sendable (_ connection: Int) -> any ScriptedConversation,
    _ body: (ScriptedServer) async throws -> Value
) async throws -> Value {
    let server = try await ScriptedServer.start(makeConversation)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

enum ScriptedServerError: Error {
    case noPort
}

/// What the tests look at afterwards, shared between the event loop and the test task.
private final class ScriptedServerRecord: Sendable {
    private struct State {
        var connections: [any Channel] = []
        var lines: [[String]] = []
    }

    private let state = Mutex(State())

    func connectionOpened(_ channel: any Channel) -> Int {
        state.withLock { state in
            state.connections.append(channel)
            state.lines.append([])
            return state.connections.count - 1
        }
    }

    func received(_ line: String, on connection: Int) {
        state.withLock { $0.lines[connection].append(line) }
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }
    var connections: [any Channel] { state.withLock { $0.connections } }
    var lines: [[String]] { state.withLock { $0.lines } }
}

/// Splits what a client sends into lines and plays the conversation. Runs on the connection's
/// event loop only.
private final class ScriptedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var conversation: any ScriptedConversation
    private let connection: Int
    private let record: ScriptedServerRecord
    private var received = ByteBuffer()
    private var lastWrite: EventLoopFuture<Void>?
    private var hungUp = false

    init(conversation: any ScriptedConversation, connection: Int, record: ScriptedServerRecord) {
        self.conversation = conversation
        self.connection = connection
        self.record = record
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(conversation.opening(), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        received.writeBuffer(&incoming)
        while !hungUp, let line = nextLine() {
            record.received(line, on: connection)
            perform(conversation.respond(to: line), context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func nextLine() -> String? {
        let lineFeed: Int? = received.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "\n")) }
        guard let lineFeed, var bytes = received.readBytes(length: lineFeed + 1) else { return nil }
        bytes.removeLast()
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func perform(_ actions: [ScriptedAction], context: ChannelHandlerContext) {
        for action in actions where !hungUp {
            switch action {
            case .send(let bytes):
                lastWrite = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
            case .close:
                hungUp = true
                // Hang up only after what was sent before has gone out.
                let channel = context.channel
                if let lastWrite {
                    lastWrite.whenComplete { _ in channel.close(promise: nil) }
                } else {
                    channel.close(promise: nil)
                }
            }
        }
    }
}
