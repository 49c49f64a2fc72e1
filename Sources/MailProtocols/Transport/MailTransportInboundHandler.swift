import NIOCore

/// The receiving end of a `MailTransport`: keeps what the server sent in one buffer and hands it
/// to the single waiting reader as a line or as a counted run of bytes. It also tells the
/// transport when a TLS handshake has finished. Every method runs on the channel's event loop,
/// which is what makes its plain mutable state safe.
final class MailTransportInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    enum ReadRequest: Sendable {
        /// Up to a line feed; the line comes back without its CRLF (or bare LF).
        case line
        /// Exactly this many bytes, line ends included (an IMAP literal).
        case bytes(Int)
        /// Every complete frame already buffered (at least one), as one run of bytes, cut by
        /// the protocol's own `MailFrameScanner`. One event-loop hop then carries many
        /// responses instead of one per line and literal.
        case frames(any MailFrameScanner, upTo: Int)
    }

    private struct PendingRead {
        let request: ReadRequest
        let promise: EventLoopPromise<[UInt8]>
        let id: UInt64
        var timeout: Scheduled<Void>?
    }

    private enum LineScan {
        case complete([UInt8])
        case incomplete
        case tooLong(Int)
    }

    private let maximumLineLength: Int
    private var received = ByteBuffer()
    /// How many buffered bytes are known to hold no line feed, so a long line arriving in many
    /// packets is scanned once rather than once per packet.
    private var scannedWithoutLineFeed = 0
    private var pendingRead: PendingRead?
    private var readCount: UInt64 = 0
    /// Why no more bytes will arrive. What is already buffered can still be read; the first
    /// cause wins.
    private(set) var endOfInput: MailTransportError?
    private var handshakePromise: EventLoopPromise<Void>?
    private var handshakeTimeout: Scheduled<Void>?
    /// The outcome of the latest TLS handshake, kept so it can be asked for after it finished.
    private(set) var tlsHandshakeResult: EventLoopFuture<Void>?
    private var context: ChannelHandlerContext?

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    // MARK: Reads

    func read(_ request: ReadRequest, timeout: TimeAmount, promise: EventLoopPromise<[UInt8]>) {
        guard pendingRead == nil else {
            promise.fail(MailTransportMisuse.concurrentRead)
            return
        }
        readCount &+= 1
        let id = readCount
        pendingRead = PendingRead(request: request, promise: promise, id: id, timeout: nil)
        deliverIfPossible()
        guard pendingRead?.id == id else { return }
        pendingRead?.timeout = promise.futureResult.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timeOutRead(id: id)
        }
    }

    /// The reader gave up (its task was cancelled). What the server answers next can no longer
    /// be matched to a request, so the connection is closed.
    func cancelPendingRead() {
        guard pendingRead != nil else { return }
        finishRead(.failure(CancellationError()))
        abandonConnection(because: .closedByServer)
    }

    /// Fails whatever is waiting and closes the connection: for states the protocol cannot
    /// recover from (a runaway line, a write or handshake that never finishes).
    func abandonConnection(because failure: MailTransportError) {
        recordEndOfInput(failure)
        received.clear()
        scannedWithoutLineFeed = 0
        finishHandshake(.failure(failure))
        deliverIfPossible()
        context?.close(promise: nil)
    }

    /// A timed-out read leaves the connection open: a later read still gets what arrives.
    private func timeOutRead(id: UInt64) {
        guard pendingRead?.id == id else { return }
        finishRead(.failure(MailTransportError.timedOut))
    }

    private func deliverIfPossible() {
        guard let pending = pendingRead else { return }
        switch pending.request {
        case .line:
            switch nextLine() {
            case .complete(let line):
                finishRead(.success(line))
            case .tooLong(let length):
                finishRead(.failure(MailTransportError.lineTooLong(length)))
                abandonConnection(because: .lineTooLong(length))
            case .incomplete:
                if let endOfInput { finishRead(.failure(endOfInput)) }
            }
        case .frames(let scanner, let limit):
            switch scanFrames(scanner, upTo: limit) {
            case .success(0):
                if let endOfInput { finishRead(.failure(endOfInput)) }
            case .success(let length):
                let bytes = received.readBytes(length: length) ?? []
                consumed()
                finishRead(.success(bytes))
            case .failure(let error):
                finishRead(.failure(error))
                abandonConnection(because: .closedByServer)
            }
        case .bytes(let count):
            if received.readableBytes >= count {
                let bytes = received.readBytes(length: max(count, 0)) ?? []
                consumed()
                finishRead(.success(bytes))
            } else if let endOfInput {
                finishRead(.failure(endOfInput))
            }
        }
    }

    /// The length of the longest buffered prefix made of whole frames, stopping once it passes
    /// `limit` (a single frame may be longer); 0 while not even one frame is complete.
    private func scanFrames(_ scanner: any MailFrameScanner, upTo limit: Int) -> Result<Int, any Error> {
        Result {
            try received.withUnsafeReadableBytes { bytes in
                var end = 0
                while end < bytes.count, end < limit {
                    guard let length = try scanner.completeFrameLength(in: UnsafeRawBufferPointer(rebasing: bytes[end...])) else { break }
                    end += length
                }
                return end
            }
        }
    }

    private func nextLine() -> LineScan {
        let searchStart = scannedWithoutLineFeed
        let lineFeedOffset: Int? = received.withUnsafeReadableBytes { bytes in
            bytes[searchStart...].firstIndex(of: UInt8(ascii: "\n"))
        }
        guard let lineFeedOffset else {
            scannedWithoutLineFeed = received.readableBytes
            // One byte more than the limit may wait: the CR of a CRLF whose LF is still on its way.
            return received.readableBytes > maximumLineLength + 1 ? .tooLong(received.readableBytes) : .incomplete
        }
        var lineLength = lineFeedOffset
        if lineLength > 0, received.getInteger(at: received.readerIndex + lineLength - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            lineLength -= 1
        }
        guard lineLength <= maximumLineLength else { return .tooLong(lineLength) }
        let line = received.readBytes(length: lineLength) ?? []
        received.moveReaderIndex(forwardBy: lineFeedOffset + 1 - lineLength)
        consumed()
        return .complete(line)
    }

    /// Keeps the buffer from growing with everything ever read: free when empty, compacted now
    /// and then otherwise.
    private func consumed() {
        scannedWithoutLineFeed = 0
        if received.readableBytes == 0 {
            received.clear()
        } else if received.readerIndex >= 1 << 20 {
            received.discardReadBytes()
        }
    }

    private func finishRead(_ result: Result<[UInt8], any Error>) {
        guard let pending = pendingRead else { return }
        pendingRead = nil
        pending.timeout?.cancel()
        switch result {
        case .success(let bytes): pending.promise.succeed(bytes)
        case .failure(let error): pending.promise.fail(error)
        }
    }

    private func recordEndOfInput(_ failure: MailTransportError) {
        if endOfInput == nil { endOfInput = failure }
    }

    // MARK: TLS handshake

    /// Call on the event loop just before the TLS handler goes into the pipeline.
    func beginTLSHandshake(on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<Void> {
        // Plaintext that arrived after the server's go-ahead but before TLS was not protected by
        // it and may have been injected on the way (the STARTTLS command-injection attack): drop it.
        received.clear()
        scannedWithoutLineFeed = 0
        let promise = eventLoop.makePromise(of: Void.self)
        handshakePromise = promise
        tlsHandshakeResult = promise.futureResult
        handshakeTimeout = eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            abandonConnection(because: .timedOut)
        }
        if let endOfInput { finishHandshake(.failure(endOfInput)) }
        return promise.futureResult
    }

    private func finishHandshake(_ result: Result<Void, MailTransportError>) {
        guard let promise = handshakePromise else { return }
        handshakePromise = nil
        handshakeTimeout?.cancel()
        handshakeTimeout = nil
        switch result {
        case .success: promise.succeed(())
        case .failure(let error): promise.fail(error)
        }
    }

    /// NIOSSL announces a finished handshake with `TLSUserEvent.handshakeCompleted` from the
    /// NIOTLS module, which this target does not depend on; the event is recognised by its type
    /// and case name instead.
    private static func isTLSHandshakeCompleted(_ event: Any) -> Bool {
        String(describing: type(of: event)) == "TLSUserEvent"
            && String(describing: event).hasPrefix("handshakeCompleted")
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Nothing can arrive any more: nobody may be left waiting.
        recordEndOfInput(.closedByServer)
        finishHandshake(.failure(endOfInput ?? .closedByServer))
        deliverIfPossible()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        received.writeBuffer(&incoming)
        deliverIfPossible()
    }

    func channelInactive(context: ChannelHandlerContext) {
        recordEndOfInput(.closedByServer)
        finishHandshake(.failure(endOfInput ?? .closedByServer))
        deliverIfPossible()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure = MailTransportError(channelError: error)
        recordEndOfInput(failure)
        finishHandshake(.failure(failure))
        deliverIfPossible()
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if Self.isTLSHandshakeCompleted(event) {
            finishHandshake(.success(()))
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// A programming error in a protocol client: two reads at once on one connection.
enum MailTransportMisuse: Error {
    case concurrentRead
}
