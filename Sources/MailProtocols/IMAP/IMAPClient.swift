import Logging

/// One IMAP session (RFC 3501 with the extensions Gmail and Dovecot offer). An actor so that a
/// sync service, an IDLE loop and a label job can share it; calls are queued and run one at a
/// time, because an IMAP connection is a single conversation.
///
/// Any failure that leaves the conversation out of step (timeout, dropped connection,
/// unparsable response) closes the connection and throws an error whose `requiresReconnect` is
/// true; the caller reconnects with `connect()` and resumes from its last checkpoint.
public actor IMAPClient {
    public nonisolated let endpoint: MailServerEndpoint
    let logger: Logger

    var transport: MailTransport?
    public internal(set) var capabilities = IMAPCapabilities([String]())
    public internal(set) var isAuthenticated = false
    /// After `ENABLE UTF8=ACCEPT`: names travel as UTF-8, not modified UTF-7.
    public internal(set) var isUTF8Enabled = false
    /// After a SELECT with the CONDSTORE parameter: MODSEQ can be fetched and searched.
    public internal(set) var isCondStoreEnabled = false
    public internal(set) var selectedMailbox: MailboxStatus?
    /// How often the server answered `[THROTTLED]` (Gmail's "slow down", sent on successful
    /// responses too); a sync compares it before and after a batch to decide on a pause.
    public internal(set) var throttleSignals = 0

    /// Pipelined commands in flight at once: enough to hide the round trip, few enough that
    /// a failure does not leave much work behind.
    static let pipelineDepth = 4

    var tagCounter = 0
    /// Bumped whenever a capability list arrives, so login can tell whether it got one.
    var capabilityUpdates = 0
    var byeText: String?
    /// Replaces the endpoint's command timeout while set (LOGOUT waits less than a FETCH).
    var responseTimeout: Duration?
    private var isBusy = false
    /// Complete responses read in one go from the transport and not yet parsed (see
    /// `readResponse`).
    private var received = ReceivedResponses()
    private var waitingCallers: [CheckedContinuation<Void, Never>] = []

    public init(endpoint: MailServerEndpoint, logger: Logger? = nil) {
        self.endpoint = endpoint
        self.logger = logger ?? Logger(label: "smartysales.imap")
    }

    public var isConnected: Bool { transport != nil }

    // MARK: - Session

    /// Connects, reads the greeting, learns the capabilities and, for `tls: .startTLS`,
    /// upgrades the connection before anything else is said. Reconnects if already connected.
    public func connect() async throws {
        try await exclusively {
            await dropConnection()
            byeText = nil
            capabilities = IMAPCapabilities([String]())
            transport = try await MailTransport.connect(to: endpoint, logger: logger)
            try await readGreeting()
            if capabilities.isEmpty { try await refreshCapabilities() }
            if endpoint.tls == .startTLS {
                guard !isAuthenticated, capabilities.contains("STARTTLS") else { throw IMAPError.startTLSNotOffered }
                try await run(IMAPCommand("STARTTLS"))
                guard let transport else { throw IMAPError.notConnected }
                // Whatever arrived after the go-ahead in the clear may have been injected on the way.
                received.removeAll()
                try await transport.startTLS()
                // Anything learnt in the clear may have been forged (RFC 3501 §6.2.1).
                capabilities = IMAPCapabilities([String]())
                try await refreshCapabilities()
            }
        }
    }

    /// LOGOUT, then close. Never throws: a session being shut down has nothing left to report,
    /// and a server slow to say goodbye gets a few seconds, not a full command timeout.
    public func logout() async {
        do {
            try await exclusively {
                if transport != nil {
                    responseTimeout = min(endpoint.commandTimeout, .seconds(5))
                    defer { responseTimeout = nil }
                    _ = try await runUnchecked(IMAPCommand("LOGOUT"))
                }
                await dropConnection()
            }
        } catch {
            logger.debug("IMAP logout ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Closes the connection without LOGOUT.
    public func disconnect() async {
        await withSession { await dropConnection() }
    }

    private func readGreeting() async throws {
        guard case .untagged(.status(let greeting)) = try await readResponse() else {
            throw IMAPError.protocolViolation("the server did not greet")
        }
        noteUntagged(.status(greeting))
        switch greeting.status {
        case .ok: break
        case .preauth: isAuthenticated = true
        case .bye: throw IMAPError.connectionLost("the server refused the session: \(greeting.text)")
        case .no, .bad: throw IMAPError.protocolViolation("a greeting of \(greeting.status.rawValue)")
        }
    }

    func refreshCapabilities() async throws {
        try await run(IMAPCommand("CAPABILITY"))
    }

    func dropConnection() async {
        guard let transport else { return }
        self.transport = nil
        received.removeAll()
        isAuthenticated = false
        isUTF8Enabled = false
        isCondStoreEnabled = false
        selectedMailbox = nil
        await transport.close()
    }

    // MARK: - One caller at a time

    /// Runs a public operation alone on the connection and turns every failure into an
    /// `IMAPError` (cancellation excepted). Failures that leave the stream out of step close it.
    func exclusively<Value: Sendable>(_ operation: () async throws -> Value) async throws -> Value {
        await acquireSession()
        defer { releaseSession() }
        do {
            return try await operation()
        } catch {
            let failure = classify(error)
            if let imapError = failure as? IMAPError, !imapError.requiresReconnect { throw imapError }
            await dropConnection()
            throw failure
        }
    }

    private func withSession(_ operation: () async -> Void) async {
        await acquireSession()
        defer { releaseSession() }
        await operation()
    }

    private func acquireSession() async {
        guard isBusy else {
            isBusy = true
            return
        }
        await withCheckedContinuation { continuation in
            waitingCallers.append(continuation)
        }
    }

    /// Hands the session straight to the next waiting caller, if any.
    private func releaseSession() {
        if waitingCallers.isEmpty {
            isBusy = false
        } else {
            waitingCallers.removeFirst().resume()
        }
    }

    private func classify(_ error: any Error) -> any Error {
        switch error {
        case let transportError as MailTransportError:
            if transportError == .closedByServer, let byeText {
                return IMAPError.connectionLost("the server said BYE: \(byeText)")
            }
            return IMAPError(transportError)
        case is IMAPError, is CancellationError:
            return error
        default:
            return IMAPError.connectionLost(String(describing: error))
        }
    }

    // MARK: - Commands

    func nextTag() -> String {
        tagCounter += 1
        return "A\(tagCounter)"
    }

    /// Runs one command, hands its untagged responses to `onUntagged`, and throws unless it
    /// completed with OK.
    func run(_ command: IMAPCommand, onUntagged: (IMAPUntaggedResponse) throws -> Void = { _ in }) async throws {
        let completion = try await runUnchecked(command, onUntagged: onUntagged)
        try check(completion, of: command)
    }

    /// Runs one command and returns its completion whatever its status.
    func runUnchecked(_ command: IMAPCommand, onUntagged: (IMAPUntaggedResponse) throws -> Void = { _ in }) async throws -> IMAPStatusResponse {
        let completions = try await execute([command], onUntagged: onUntagged)
        guard let completion = completions.first else { throw IMAPError.protocolViolation("no completion") }
        return completion
    }

    /// Sends the commands keeping up to `depth` of them in flight (pipelining, RFC 3501 §5.5),
    /// hands every untagged response to `onUntagged`, and returns the completions in command
    /// order once all have completed, so the stream is in step even when one failed.
    func execute(_ commands: [IMAPCommand], depth: Int = 1,
                 onUntagged: (IMAPUntaggedResponse) throws -> Void) async throws -> [IMAPStatusResponse] {
        var inFlight = IMAPCommandsInFlight(count: commands.count)
        var next = 0
        while next < commands.count || inFlight.open > 0 {
            if next < commands.count, inFlight.open < max(depth, 1) {
                try await send(commands[next], index: next, inFlight: &inFlight, onUntagged: onUntagged)
                next += 1
                continue
            }
            let response = try await readResponse()
            try dispatch(response, inFlight: &inFlight, onUntagged: onUntagged)
        }
        return inFlight.completions.compactMap { $0 }
    }

    /// Writes one command. A literal goes out at once when LITERAL+/LITERAL- allow it;
    /// otherwise the text before it is sent and the server's `+` awaited, so a refusal arrives
    /// before a large message is pushed at a server that does not want it.
    private func send(_ command: IMAPCommand, index: Int, inFlight: inout IMAPCommandsInFlight,
                      onUntagged: (IMAPUntaggedResponse) throws -> Void) async throws {
        let tag = nextTag()
        inFlight.start(tag: tag, index: index)
        logger.trace("IMAP command", metadata: ["tag": "\(tag)", "command": "\(command.name)"])
        var buffer = Array(tag.utf8)
        buffer.append(IMAPByte.space)
        for piece in command.pieces {
            switch piece {
            case .text(let text):
                buffer.append(contentsOf: text)
            case .literal(let bytes):
                if capabilities.allowsNonSynchronizingLiteral(ofSize: bytes.count) {
                    buffer.append(contentsOf: "{\(bytes.count)+}\r\n".utf8)
                    buffer.append(contentsOf: bytes)
                    continue
                }
                buffer.append(contentsOf: "{\(bytes.count)}\r\n".utf8)
                try await write(buffer)
                while true {
                    let response = try await readResponse()
                    if case .continuation = response { break }
                    try dispatch(response, inFlight: &inFlight, onUntagged: onUntagged)
                    if inFlight.completions[index] != nil { return }  // refused before the literal
                }
                buffer = bytes
            }
        }
        try await write(buffer)
    }

    private func dispatch(_ response: IMAPResponse, inFlight: inout IMAPCommandsInFlight,
                          onUntagged: (IMAPUntaggedResponse) throws -> Void) throws {
        switch response {
        case .untagged(let data):
            noteUntagged(data)
            try onUntagged(data)
        case .tagged(let tag, let completion):
            noteCompletion(completion)
            guard inFlight.complete(tag: tag, with: completion) else {
                throw IMAPError.protocolViolation("a completion for tag \(tag), which is not in flight")
            }
        case .continuation:
            throw IMAPError.protocolViolation("a continuation request nothing was waiting for")
        }
    }

    /// State every command depends on, whoever asked for the response that carries it.
    func noteUntagged(_ data: IMAPUntaggedResponse) {
        switch data {
        case .capability(let names):
            capabilities = IMAPCapabilities(names)
            capabilityUpdates += 1
        case .status(let status):
            noteCompletion(status)
            if status.status == .bye { byeText = status.text }
        case .enabled(let names):
            if names.contains("UTF8=ACCEPT") { isUTF8Enabled = true }
            if names.contains("CONDSTORE") { isCondStoreEnabled = true }
        case .exists(let count):
            selectedMailbox?.messageCount = count
        default:
            break
        }
    }

    func noteCompletion(_ status: IMAPStatusResponse) {
        if case .capability(let names)? = status.code {
            capabilities = IMAPCapabilities(names)
            capabilityUpdates += 1
        }
        if status.isThrottled { throttleSignals += 1 }
        if status.code == .alert {
            logger.warning("IMAP server alert", metadata: ["text": "\(status.text)"])
        }
    }

    func check(_ completion: IMAPStatusResponse, of command: IMAPCommand) throws {
        guard completion.status != .ok else { return }
        if completion.isThrottled { throw IMAPError.throttled(completion.text) }
        throw IMAPError.commandFailed(IMAPCommandFailure(command: command.name, response: completion))
    }

    // MARK: - Wire

    var parserOptions: IMAPResponseParser.Options {
        IMAPResponseParser.Options(namesAreUTF8: isUTF8Enabled)
    }

    /// The next response. The transport hands over every complete response it has buffered in
    /// one event-loop hop (a FETCH burst is dozens of them), and they are cut apart here without
    /// waiting: reading a line or a literal at a time cost a hop each, which was most of a
    /// sync's client-side time.
    func readResponse(timeout: Duration? = nil) async throws -> IMAPResponse {
        guard let transport else { throw IMAPError.notConnected }
        if received.isEmpty {
            received.reset(to: try await transport.readFrames(Self.frameScanner, timeout: timeout ?? responseTimeout))
        }
        let raw = try received.next()
        return try IMAPResponseParser.parse(raw, options: parserOptions)
    }

    /// Hands over the responses already read but not yet parsed (IDLE reads on its own).
    func takeBufferedResponses() throws -> [IMAPRawResponse] {
        var responses: [IMAPRawResponse] = []
        while !received.isEmpty { responses.append(try received.next()) }
        received.removeAll()
        return responses
    }

    static let frameScanner = IMAPFrameScanner(maximumLineLength: MailTransport.maximumLineLength)

    func write(_ bytes: [UInt8]) async throws {
        guard let transport else { throw IMAPError.notConnected }
        try await transport.write(bytes)
    }

    /// A name as this session must send it: UTF-8 after `ENABLE UTF8=ACCEPT`, else modified UTF-7.
    func wireName(_ name: String) -> [UInt8] {
        isUTF8Enabled ? Array(name.utf8) : Array(ModifiedUTF7.encode(name).utf8)
    }
}

/// Which tags are awaiting completion and what each completed with.
struct IMAPCommandsInFlight {
    private(set) var completions: [IMAPStatusResponse?]
    private var indexByTag: [String: Int] = [:]

    init(count: Int) {
        completions = Array(repeating: nil, count: count)
    }

    var open: Int { indexByTag.count }

    mutating func start(tag: String, index: Int) {
        indexByTag[tag] = index
    }

    /// `false` when the tag is not one of ours.
    mutating func complete(tag: String, with completion: IMAPStatusResponse) -> Bool {
        guard let index = indexByTag.removeValue(forKey: tag) else { return false }
        completions[index] = completion
        return true
    }
}

/// Bytes holding whole responses, consumed from the front.
struct ReceivedResponses {
    private var bytes: [UInt8] = []
    private var offset = 0

    var isEmpty: Bool { offset >= bytes.count }

    mutating func reset(to bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    mutating func removeAll() {
        reset(to: [])
    }

    mutating func next() throws -> IMAPRawResponse {
        try IMAPResponseFramer.response(in: bytes, from: &offset)
    }
}
