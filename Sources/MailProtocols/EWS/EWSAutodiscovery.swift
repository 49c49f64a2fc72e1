import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Every Autodiscover candidate failed; `attempts` says how, in the order they were tried.
public struct EWSAutodiscoveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Attempt: Sendable, Equatable {
        public let url: URL
        public let error: EWSError
    }

    public let emailAddress: String
    public let attempts: [Attempt]

    public var description: String {
        let tried = attempts.map { "\($0.url.absoluteString): \($0.error)" }.joined(separator: "; ")
        return "Autodiscover found no EWS URL for \(emailAddress)" + (tried.isEmpty ? " (no usable domain)" : ": " + tried)
    }
}

/// The HTTP half of POX Autodiscover (the I/O-free half is `EWSAutodiscover`): POST the request
/// to `https://<domain>/autodiscover/autodiscover.xml`, then `https://autodiscover.<domain>/…`,
/// then ask `http://autodiscover.<domain>/…` without credentials for a redirect to an HTTPS
/// Autodiscover URL and POST there. Redirects (an HTTP 302 during a POST, Action redirectUrl or
/// redirectAddr) are followed to HTTPS only, ten at most. When everything fails the user types
/// the EWS URL; the failure lists what each candidate answered.
public struct EWSAutodiscovery: Sendable {
    public static let maximumRedirects = 10

    public let httpClient: HTTPClient
    public let credentials: EWSCredentials
    public let authentication: EWSAuthentication
    public let trust: EWSTrust
    /// Per candidate: a host that does not answer must not hold up the next one for long.
    public let timeout: Duration
    let allowsInsecureHTTP: Bool
    private let logger: Logger?

    public init(
        httpClient: HTTPClient,
        credentials: EWSCredentials,
        authentication: EWSAuthentication = .automatic,
        trust: EWSTrust = .system,
        timeout: Duration = .seconds(30),
        logger: Logger? = nil
    ) {
        self.init(
            httpClient: httpClient, credentials: credentials, authentication: authentication, trust: trust, timeout: timeout,
            allowsInsecureHTTP: false, logger: logger)
    }

    /// With `allowsInsecureHTTP`, for tests that POST to a fake on loopback.
    init(
        httpClient: HTTPClient, credentials: EWSCredentials, authentication: EWSAuthentication, trust: EWSTrust, timeout: Duration,
        allowsInsecureHTTP: Bool, logger: Logger?
    ) {
        self.httpClient = httpClient
        self.credentials = credentials
        self.authentication = authentication
        self.trust = trust
        self.timeout = timeout
        self.allowsInsecureHTTP = allowsInsecureHTTP
        self.logger = logger
    }

    /// The EWS URL for `emailAddress` (the external one when the server names several).
    ///
    /// - Throws: `EWSAutodiscoveryFailure` with every candidate's error; `CancellationError`.
    public func ewsURL(for emailAddress: String) async throws -> URL {
        try await ewsURL(for: emailAddress, candidates: EWSAutodiscover.candidates(for: emailAddress))
    }

    func ewsURL(for emailAddress: String, candidates: [EWSAutodiscover.Candidate]) async throws -> URL {
        var address = emailAddress
        var queue = candidates
        var attempts: [EWSAutodiscoveryFailure.Attempt] = []
        var redirects = 0
        while !queue.isEmpty {
            let candidate = queue.removeFirst()
            do {
                switch candidate.method {
                case .post:
                    switch try await post(to: candidate.url, emailAddress: address) {
                    case .settings(let ewsURLs):
                        if let url = ewsURLs.first { return url }
                        attempts.append(.init(url: candidate.url, error: .malformedResponse("Autodiscover settings without an HTTPS EWS URL")))
                    case .redirectAddress(let next):
                        guard redirects < Self.maximumRedirects else {
                            attempts.append(.init(url: candidate.url, error: .redirected(location: next)))
                            continue
                        }
                        redirects += 1
                        // Another address may live on another domain: its own candidates, from the first.
                        address = next
                        queue = EWSAutodiscover.candidates(for: next)
                    case .redirectURL(let url):
                        guard redirects < Self.maximumRedirects else {
                            attempts.append(.init(url: candidate.url, error: .redirected(location: url.absoluteString)))
                            continue
                        }
                        redirects += 1
                        queue.insert(EWSAutodiscover.Candidate(url: url, method: .post), at: 0)
                    case .error(let code, let message):
                        attempts.append(.init(url: candidate.url, error: .itemError(code: code, message: message)))
                    }
                case .redirectProbe:
                    let target = try await redirectTarget(of: candidate.url)
                    guard EWSAutodiscover.allowsRedirect(to: target), redirects < Self.maximumRedirects else {
                        throw EWSError.redirected(location: target.absoluteString)
                    }
                    redirects += 1
                    queue.insert(EWSAutodiscover.Candidate(url: target, method: .post), at: 0)
                }
            } catch let error as EWSError {
                // An HTTP redirect of the POST itself, to HTTPS: ask there (credentials included,
                // which is why it must be HTTPS).
                if case .redirected(let location) = error, candidate.method == .post, redirects < Self.maximumRedirects,
                   let target = URL(string: location, relativeTo: candidate.url)?.absoluteURL, EWSAutodiscover.allowsRedirect(to: target)
                {
                    redirects += 1
                    queue.insert(EWSAutodiscover.Candidate(url: target, method: .post), at: 0)
                    continue
                }
                logger?.debug("Autodiscover candidate failed", metadata: ["ews.url": "\(candidate.url.absoluteString)", "ews.error": "\(error)"])
                attempts.append(.init(url: candidate.url, error: error))
            }
        }
        throw EWSAutodiscoveryFailure(emailAddress: emailAddress, attempts: attempts)
    }

    /// POSTs the POX request with the credentials, over a transport of its own for this URL.
    private func post(to url: URL, emailAddress: String) async throws -> EWSAutodiscover.Outcome {
        let endpoint = try EWSEndpoint(
            url: url, credentials: credentials, authentication: authentication, trust: trust, connectTimeout: timeout,
            requestTimeout: timeout, maxConcurrentRequests: 1, allowInsecureHTTP: allowsInsecureHTTP)
        let transport = try EWSHTTPTransport(endpoint: endpoint, httpClient: httpClient, logger: logger)
        do {
            let response = try await transport.send(body: EWSAutodiscover.requestBody(for: emailAddress), soapAction: nil)
            await transport.shutdown()
            return try EWSAutodiscover.outcome(body: response.body, contentType: response.contentType)
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    /// The unauthenticated GET of the third candidate: only its redirect matters.
    private func redirectTarget(of url: URL) async throws -> URL {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: EWSHTTPExchange.userAgent)
        if url.scheme?.lowercased() == "https" {
            request.tlsConfiguration = try EWSTLS.configuration(trust: trust)
        }
        let response = try await EWSHTTPExchange.perform(request, on: httpClient, timeout: timeout, host: url.host ?? "")
        let location = response.followedRedirect ?? ((300..<400).contains(response.status) ? response.location : nil)
        guard let location, let target = URL(string: location, relativeTo: url)?.absoluteURL else {
            throw EWSError.httpStatus(response.status, detail: "no redirect to an Autodiscover URL")
        }
        return target
    }
}
