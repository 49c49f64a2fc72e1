import AsyncHTTPClient
import NIOCore

/// NTLM authenticates a TCP connection, not a request: NEGOTIATE, CHALLENGE and AUTHENTICATE must
/// travel over one connection, and afterwards that connection stays signed in. AsyncHTTPClient
/// pools connections and has no way to pin a request to one, so each lane here is an HTTPClient
/// of its own whose pool may hold one HTTP/1.1 connection, used by one request at a time: the
/// handshake's three messages necessarily share it, and later requests on the lane reuse the
/// signed-in connection without a new handshake. When the pool replaces the connection (idle
/// timeout, the server closed it) the server answers 401 again and the lane signs in again.
///
/// Lanes are made on demand, at most one per concurrent request the limiter lets through, and
/// live until `shutdown()`. The alternative, a handshake per request on a shared pool, would
/// triple the round trips and still break as soon as two requests interleave.
struct EWSNTLMLane: Sendable {
    let client: HTTPClient
    /// The lane's connection completed a handshake and has not been answered 401 since.
    var isAuthenticated = false
}

actor EWSNTLMLanePool {
    private let eventLoopGroup: any EventLoopGroup
    private let configuration: HTTPClient.Configuration
    private var idle: [EWSNTLMLane] = []
    private var clients: [HTTPClient] = []
    private var isShutDown = false

    init(eventLoopGroup: any EventLoopGroup, endpoint: EWSEndpoint) {
        self.eventLoopGroup = eventLoopGroup
        var configuration = HTTPClient.Configuration()
        // Redirects are reported, never followed: a redirect to a sign-in form must not be
        // mistaken for an answer, nor receive the request.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(endpoint.connectTimeout), read: TimeAmount(endpoint.requestTimeout))
        // One connection per lane; closed before IIS's own 120-second idle limit would.
        configuration.connectionPool = .init(idleTimeout: .seconds(50), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        // NTLM does not work over HTTP/2 (IIS answers HTTP_1_1_REQUIRED).
        configuration.httpVersion = .http1Only
        self.configuration = configuration
    }

    func checkOut() throws -> EWSNTLMLane {
        guard !isShutDown else { throw EWSError.invalidConfiguration("the EWS transport was shut down") }
        if let lane = idle.popLast() { return lane }
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        clients.append(client)
        return EWSNTLMLane(client: client)
    }

    func checkIn(_ lane: EWSNTLMLane) {
        guard !isShutDown else { return }
        idle.append(lane)
    }

    /// Closes every lane's connection. Lanes checked out meanwhile fail their request.
    func shutdown() async {
        isShutDown = true
        let all = clients
        clients = []
        idle = []
        for client in all {
            try? await client.shutdown()
        }
    }
}
