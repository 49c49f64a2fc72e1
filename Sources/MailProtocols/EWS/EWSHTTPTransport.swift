import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// EWS over HTTP for one mailbox: POSTs SOAP envelopes to the endpoint's URL with its sign-in
/// (Basic, NTLM, or whichever the server offers), at most `maxConcurrentRequests` at a time, each
/// within the request timeout, and turns everything that is not an EWS answer (401, a redirect to
/// a sign-in form, a refused connection, a certificate the trust does not cover) into an `EWSError`.
///
/// Basic and the unauthenticated first request of `.automatic` go through the injected
/// `HTTPClient`, with this endpoint's TLS settings on each request. NTLM needs connections of its
/// own (see `EWSNTLMLane`): the transport makes them on the injected client's event loops and
/// owns them, so **call `shutdown()` before dropping the transport** (AsyncHTTPClient traps in
/// debug builds when a client is released without it). The injected client stays the caller's.
public final class EWSHTTPTransport: Sendable {
    public let endpoint: EWSEndpoint
    private let httpClient: HTTPClient
    /// nil for plain HTTP (tests on loopback only).
    private let tlsConfiguration: TLSConfiguration?
    private let limiter: EWSRequestLimiter
    private let lanes: EWSNTLMLanePool
    /// `.basic` or `.ntlm` once known: from the endpoint, or from the server's first 401.
    private let scheme: Mutex<EWSAuthentication?>
    private let logger: Logger?

    /// - Parameter httpClient: shared with the rest of the process. Configure it with
    ///   `redirectConfiguration: .disallow` if you can; a redirect it follows is still detected
    ///   (from the response history) and reported as `EWSError.redirected`.
    /// - Throws: `EWSError.invalidConfiguration` when the endpoint's custom CA cannot be read.
    public init(endpoint: EWSEndpoint, httpClient: HTTPClient, logger: Logger? = nil) throws {
        self.endpoint = endpoint
        self.httpClient = httpClient
        if endpoint.isHTTPS {
            tlsConfiguration = try EWSTLS.configuration(trust: endpoint.trust)
        } else {
            tlsConfiguration = nil
        }
        limiter = EWSRequestLimiter(limit: endpoint.maxConcurrentRequests)
        lanes = EWSNTLMLanePool(eventLoopGroup: httpClient.eventLoopGroup, endpoint: endpoint)
        scheme = Mutex(endpoint.authentication == .automatic ? nil : endpoint.authentication)
        self.logger = logger
    }

    /// The scheme in use: the endpoint's, or what `.automatic` settled on; nil before the first
    /// request of `.automatic`.
    public var authenticationInUse: EWSAuthentication? {
        scheme.withLock { $0 }
    }

    /// Sends one EWS request and returns the answer when it is one EWS gives: HTTP 200, or 500
    /// with a SOAP fault. The reply parsers (`EWSResponse`) read the rest.
    ///
    /// - Throws: `EWSError` — `authenticationFailed`/`unsupportedAuthentication` for a 401,
    ///   `redirected`, `httpStatus`, `unreachable`, `tlsFailure` (nothing was processed), or
    ///   `timedOut`/`connectionLost` (the server may have processed it).
    public func post(_ request: EWSRequest) async throws -> EWSHTTPResponse {
        try await send(body: request.body, soapAction: request.soapAction)
    }

    /// Closes the NTLM connections this transport opened. Requests afterwards fail.
    public func shutdown() async {
        await lanes.shutdown()
    }

    /// `post` for any XML body (Autodiscover's POX request has no SOAPAction).
    func send(body: [UInt8], soapAction: String?) async throws -> EWSHTTPResponse {
        await limiter.acquire()
        let response: EWSHTTPResponse
        do {
            response = try await signedInExchange(body: body, soapAction: soapAction)
        } catch {
            await limiter.release()
            throw error
        }
        await limiter.release()
        return try EWSHTTPExchange.checked(response)
    }

    private func signedInExchange(body: [UInt8], soapAction: String?) async throws -> EWSHTTPResponse {
        switch scheme.withLock({ $0 }) {
        case .basic?:
            return try await exchange(on: httpClient, body: body, soapAction: soapAction, authorization: endpoint.credentials.basicAuthorization)
        case .ntlm?:
            return try await ntlmExchange(body: body, soapAction: soapAction)
        case .automatic?, nil:
            // Without credentials first: the 401 names the schemes, and nothing secret has left.
            let probe = try await exchange(on: httpClient, body: body, soapAction: soapAction, authorization: nil)
            guard probe.status == 401 else { return probe }
            let challenges = EWSAuthChallenge.parse(probe.authenticate)
            // NTLM first: the password never travels, while Basic sends it with every request.
            let chosen: EWSAuthentication
            if challenges.contains(where: { $0.isScheme("NTLM") }) {
                chosen = .ntlm
            } else if challenges.contains(where: { $0.isScheme("Basic") }) {
                chosen = .basic
            } else {
                throw EWSError.unsupportedAuthentication(offered: challenges.map(\.shown))
            }
            scheme.withLock { $0 = chosen }
            logger?.debug("EWS sign-in scheme chosen", metadata: ["ews.host": "\(endpoint.host)", "ews.auth": "\(chosen.rawValue)"])
            if chosen == .ntlm {
                return try await ntlmExchange(body: body, soapAction: soapAction)
            }
            return try await exchange(on: httpClient, body: body, soapAction: soapAction, authorization: endpoint.credentials.basicAuthorization)
        }
    }

    // MARK: NTLM

    private func ntlmExchange(body: [UInt8], soapAction: String?) async throws -> EWSHTTPResponse {
        var lane = try await lanes.checkOut()
        do {
            let response = try await exchange(over: &lane, body: body, soapAction: soapAction)
            await lanes.checkIn(lane)
            return response
        } catch {
            // The connection's state is unknown after a failure: sign in again next time.
            lane.isAuthenticated = false
            await lanes.checkIn(lane)
            throw error
        }
    }

    /// The request on a signed-in lane as it is; otherwise (or when the server answers 401 after
    /// all) NEGOTIATE with an empty body, the server's CHALLENGE in its 401, and AUTHENTICATE with
    /// the request. A 401 is never processed, so resending the body after one is safe even for
    /// CreateItem.
    private func exchange(over lane: inout EWSNTLMLane, body: [UInt8], soapAction: String?) async throws -> EWSHTTPResponse {
        if lane.isAuthenticated {
            let response = try await exchange(on: lane.client, body: body, soapAction: soapAction, authorization: nil)
            guard response.status == 401 else { return response }
            lane.isAuthenticated = false
            logger?.debug("EWS NTLM connection no longer signed in; signing in again", metadata: ["ews.host": "\(endpoint.host)"])
        }
        let handshake = NTLMHandshake(credentials: endpoint.credentials.ntlm)
        let negotiation = try await exchange(
            on: lane.client, body: [], soapAction: soapAction,
            authorization: "NTLM " + Data(handshake.negotiateMessage).base64EncodedString())
        // Anything but a 401 (a redirect to a sign-in form, an HTML page) is reported as it is.
        guard negotiation.status == 401 else { return negotiation }
        let challenges = EWSAuthChallenge.parse(negotiation.authenticate)
        guard let token = challenges.first(where: { $0.isScheme("NTLM") && !$0.parameters.isEmpty })?.parameters else {
            // A bare 401 to our NEGOTIATE: the server does not speak NTLM here.
            throw EWSError.authenticationFailed(offered: challenges.map(\.shown))
        }
        guard let challengeBytes = Data(base64Encoded: token) else {
            throw EWSError.ntlmFailure("the server's CHALLENGE is not base64")
        }
        let authenticate: [UInt8]
        do {
            authenticate = try handshake.authenticateMessage(answering: Array(challengeBytes))
        } catch let error as NTLMError {
            switch error {
            case .malformedChallenge(let reason): throw EWSError.ntlmFailure("unreadable CHALLENGE: \(reason)")
            case .unsupported(let reason): throw EWSError.ntlmFailure(reason)
            }
        }
        let response = try await exchange(
            on: lane.client, body: body, soapAction: soapAction,
            authorization: "NTLM " + Data(authenticate).base64EncodedString())
        if response.status == 401 {
            throw EWSError.authenticationFailed(offered: EWSAuthChallenge.parse(response.authenticate).map(\.shown))
        }
        lane.isAuthenticated = true
        return response
    }

    // MARK: One round trip

    private func exchange(on client: HTTPClient, body: [UInt8], soapAction: String?, authorization: String?) async throws -> EWSHTTPResponse {
        var request = HTTPClientRequest(url: endpoint.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: EWSRequest.contentType)
        request.headers.add(name: "User-Agent", value: EWSHTTPExchange.userAgent)
        if let soapAction {
            request.headers.add(name: "SOAPAction", value: "\"" + soapAction + "\"")
        }
        if let authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        request.tlsConfiguration = tlsConfiguration
        return try await EWSHTTPExchange.perform(request, on: client, timeout: endpoint.requestTimeout, host: endpoint.host)
    }
}
