import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A connection to a mail server: bytes out, lines and counted bytes in. One reader at a time;
/// writes may overlap a pending read (IMAP's DONE during IDLE).
///
/// Cancelling the task of a pending read closes the connection: an answer that arrives later
/// could no longer be told apart from the answer to the next request.
public final class MailTransport: Sendable {
    /// Longest line a server may send; beyond it the connection is closed (`lineTooLong`)
    /// instead of buffering without end.
    public static let maximumLineLength = 1 << 20

    /// Slowest upload a write is allowed before it counts as stalled, on top of the command
    /// timeout: a 25 MB message may take minutes on a poor line, a dead server must not hang us.
    private static let slowestWriteBytesPerSecond = 32 * 1024

    public let endpoint: MailServerEndpoint
    private let channel: any Channel
    private let inbound: NIOLoopBound<MailTransportInboundHandler>
    private let logger: Logger?
    private let tlsEstablished: Mutex<Bool>

    private init(
        endpoint: MailServerEndpoint,
        channel: any Channel,
        inbound: NIOLoopBound<MailTransportInboundHandler>,
        logger: Logger?,
        isTLS: Bool
    ) {
        self.endpoint = endpoint
        self.channel = channel
        self.inbound = inbound
        self.logger = logger
        self.tlsEstablished = Mutex(isTLS)
    }

    deinit {
        // A transport dropped without close() must not leave its socket open.
        channel.close(promise: nil)
    }

    /// Connects; with `endpoint.tls == .implicit` the TLS handshake is done before this returns.
    public static func connect(to endpoint: MailServerEndpoint, logger: Logger? = nil) async throws -> MailTransport {
        let implicitTLS: NIOSSLContext? = try endpoint.tls == .implicit ? MailTransportTLS.makeContext(trust: endpoint.trust) : nil
        let serverHostname = MailTransportTLS.serverHostname(for: endpoint.host)
        // The implicit handshake's clock starts before the TCP connection, so it covers both.
        let handshakeTimeout = TimeAmount(endpoint.connectTimeout + endpoint.commandTimeout)
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        // The handler is made inside the channel initializer (on the loop) so that it is in the
        // pipeline before the server's greeting can arrive; the box carries it back out.
        let inboundBox = NIOLoopBoundBox.makeEmptyBox(valueType: MailTransportInboundHandler.self, eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(endpoint.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let inbound = MailTransportInboundHandler(maximumLineLength: MailTransport.maximumLineLength)
                    if let implicitTLS {
                        let tls = try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(inbound)
                    if implicitTLS != nil {
                        _ = inbound.beginTLSHandshake(on: channel.eventLoop, timeout: handshakeTimeout)
                    }
                    inboundBox.value = inbound
                }
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw MailTransportError(connectError: error, host: endpoint.host, port: endpoint.port)
        }
        let connected: (inbound: NIOLoopBound<MailTransportInboundHandler>, handshake: EventLoopFuture<Void>?)
        do {
            connected = try await eventLoop.submit {
                guard let handler = inboundBox.value else { throw MailTransportError.closedByServer }
                return (inbound: NIOLoopBound(handler, eventLoop: eventLoop), handshake: handler.tlsHandshakeResult)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw MailTransportError(channelError: error)
        }
        let transport = MailTransport(endpoint: endpoint, channel: channel, inbound: connected.inbound, logger: logger, isTLS: false)
        if let handshake = connected.handshake {
            do {
                try await handshake.get()
            } catch {
                await transport.close()
                throw error
            }
            transport.tlsEstablished.withLock { $0 = true }
        }
        logger?.debug("mail server connected", metadata: transport.logMetadata)
        return transport
    }

    public var isTLS: Bool {
        tlsEstablished.withLock { $0 }
    }

    /// One line without its CRLF (a bare LF also ends a line). `nil` timeout means the
    /// endpoint's command timeout.
    public func readLine(timeout: Duration? = nil) async throws -> [UInt8] {
        try await read(.line, timeout: timeout)
    }

    /// Exactly `count` bytes, whatever they contain (an IMAP literal).
    public func readBytes(_ count: Int, timeout: Duration? = nil) async throws -> [UInt8] {
        try await read(.bytes(count), timeout: timeout)
    }

    /// Every complete frame already received (at least one, waiting for it if need be), as one
    /// run of bytes: for protocols whose replies come in bursts, so a burst costs one hop.
    /// A frame longer than `limit` still comes whole; beyond `limit` no further frame is added.
    public func readFrames(_ scanner: any MailFrameScanner, upTo limit: Int = 256 * 1024, timeout: Duration? = nil) async throws -> [UInt8] {
        try await read(.frames(scanner, upTo: limit), timeout: timeout)
    }

    private func read(_ request: MailTransportInboundHandler.ReadRequest, timeout: Duration?) async throws -> [UInt8] {
        let eventLoop = channel.eventLoop
        let promise = eventLoop.makePromise(of: [UInt8].self)
        let limit = TimeAmount(timeout ?? endpoint.commandTimeout)
        let inbound = self.inbound
        eventLoop.execute {
            inbound.value.read(request, timeout: limit, promise: promise)
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            eventLoop.execute { inbound.value.cancelPendingRead() }
        }
    }

    /// Sends `bytes` as they are; returns once they are handed to the network.
    public func write(_ bytes: [UInt8]) async throws {
        let buffer = channel.allocator.buffer(bytes: bytes)
        let limit = endpoint.commandTimeout + .seconds(bytes.count / Self.slowestWriteBytesPerSecond)
        let inbound = self.inbound
        let stallGuard = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) {
            inbound.value.abandonConnection(because: .timedOut)
        }
        defer { stallGuard.cancel() }
        do {
            try await channel.writeAndFlush(buffer)
        } catch {
            throw await recordedFailure()
        }
    }

    /// Wraps the connection in TLS (after the protocol's STARTTLS was accepted). Anything the
    /// server sent before is discarded. The handshake is complete when this returns.
    public func startTLS() async throws {
        guard !isTLS else { return }
        let context = try MailTransportTLS.makeContext(trust: endpoint.trust)
        let serverHostname = MailTransportTLS.serverHostname(for: endpoint.host)
        let timeout = TimeAmount(endpoint.commandTimeout)
        let channel = self.channel
        let inbound = self.inbound
        let handshake: EventLoopFuture<Void>
        do {
            handshake = try await channel.eventLoop.submit {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                let started = inbound.value.beginTLSHandshake(on: channel.eventLoop, timeout: timeout)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                return started
            }.get()
        } catch {
            await close()
            throw MailTransportError(channelError: error)
        }
        do {
            try await handshake.get()
        } catch {
            await close()
            throw error
        }
        tlsEstablished.withLock { $0 = true }
        logger?.debug("mail server connection upgraded to TLS", metadata: logMetadata)
    }

    /// Closes the connection (with a TLS close_notify when encrypted). Safe to call twice.
    public func close() async {
        _ = try? await channel.close().get()
    }

    /// Why the connection failed, as the receiving side saw it; a plain close otherwise.
    private func recordedFailure() async -> MailTransportError {
        let inbound = self.inbound
        let recorded = try? await channel.eventLoop.submit { inbound.value.endOfInput }.get()
        return recorded ?? .closedByServer
    }

    private var logMetadata: Logger.Metadata {
        ["mail.host": "\(endpoint.host)", "mail.port": "\(endpoint.port)", "mail.tls": "\(isTLS)"]
    }
}
