import Foundation
import NIOSSL

/// Who signs in to Exchange. `username` as users type it into a mailbox form: `DOMAIN\user`, or
/// a UPN `user@corp.example`; Basic sends it as it is, NTLM splits the domain off. The password
/// never appears in a description, so logging a value that holds credentials cannot leak it.
public struct EWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var username: String
    public var password: String
    /// The client machine's name as NTLM reports it to the server's logs; empty is allowed.
    public var workstation: String

    public init(username: String, password: String, workstation: String = "") {
        self.username = username
        self.password = password
        self.workstation = workstation
    }

    public var description: String { "EWSCredentials(username: \(username), password: ***)" }
    public var debugDescription: String { description }

    var ntlm: NTLMCredentials {
        NTLMCredentials(login: username, password: password, workstation: workstation)
    }

    var basicAuthorization: String {
        "Basic " + Data((username + ":" + password).utf8).base64EncodedString()
    }
}

/// How the transport signs in.
public enum EWSAuthentication: String, Sendable, Codable {
    /// `Authorization: Basic` on every request; HTTPS only (the password travels each time).
    case basic
    /// NTLMv2, which authenticates a connection: the password never travels.
    case ntlm
    /// The first request goes without credentials and the server's 401 decides: NTLM when it
    /// offers it (most on-premises Exchange servers do), else Basic. The choice is kept.
    case automatic
}

/// Which certificate authorities the TLS connection to Exchange accepts. The certificate and the
/// host name are always verified; there is deliberately no way to switch that off.
public enum EWSTrust: Sendable, Equatable {
    /// The operating system's root certificates.
    case system
    /// Only the CA certificate(s) in this PEM file: for a self-hosted server with its own CA.
    case customCAFile(path: String)
    /// Only these CA certificates, PEM bytes.
    case customCA(pem: [UInt8])
    /// Only these CA certificates.
    case certificates([NIOSSLCertificate])
}

/// One Exchange mailbox's EWS URL, sign-in and limits. Checked when made: HTTPS unless plain HTTP
/// is explicitly allowed (tests on loopback), a host, and a sane concurrency limit.
public struct EWSEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// Exchange's default EWS throttling policy allows 27 concurrent requests per user; more are
    /// refused with ErrorServerBusy, and other clients of the mailbox (Outlook) share the budget.
    public static let maximumConcurrentRequests = 27

    /// `https://host/EWS/Exchange.asmx`.
    public let url: URL
    public let credentials: EWSCredentials
    public let authentication: EWSAuthentication
    public let trust: EWSTrust
    /// Longest wait for a connection (TCP and TLS).
    public let connectTimeout: Duration
    /// Longest wait for one whole HTTP exchange, answer body included. Generous by default:
    /// Exchange takes tens of seconds over a large GetItem or a busy mailbox database.
    public let requestTimeout: Duration
    /// Requests in flight at once for this mailbox, 1…27; further calls wait their turn.
    public let maxConcurrentRequests: Int
    /// Plain `http://` was allowed explicitly. Only for tests on loopback: the credentials (and
    /// with Basic, the password) would cross the network in clear.
    public let allowsInsecureHTTP: Bool

    /// - Throws: `EWSError.invalidConfiguration` for a URL that is not HTTPS (or HTTP with
    ///   `allowInsecureHTTP`), has no host, or a concurrency limit outside 1…27.
    public init(
        url: URL,
        credentials: EWSCredentials,
        authentication: EWSAuthentication = .automatic,
        trust: EWSTrust = .system,
        connectTimeout: Duration = .seconds(15),
        requestTimeout: Duration = .seconds(120),
        maxConcurrentRequests: Int = 8,
        allowInsecureHTTP: Bool = false
    ) throws {
        let scheme = url.scheme?.lowercased() ?? ""
        guard let host = url.host, !host.isEmpty else {
            throw EWSError.invalidConfiguration("the EWS URL \(url.absoluteString) has no host")
        }
        guard scheme == "https" || (scheme == "http" && allowInsecureHTTP) else {
            throw EWSError.invalidConfiguration("the EWS URL must be https (credentials travel with every request): \(url.absoluteString)")
        }
        guard (1...Self.maximumConcurrentRequests).contains(maxConcurrentRequests) else {
            throw EWSError.invalidConfiguration(
                "maxConcurrentRequests must be 1…\(Self.maximumConcurrentRequests) (Exchange's per-user limit), not \(maxConcurrentRequests)")
        }
        guard connectTimeout > .zero, requestTimeout > .zero else {
            throw EWSError.invalidConfiguration("timeouts must be positive")
        }
        self.url = url
        self.credentials = credentials
        self.authentication = authentication
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConcurrentRequests = maxConcurrentRequests
        self.allowsInsecureHTTP = allowInsecureHTTP
    }

    public var description: String {
        "EWSEndpoint(\(url.absoluteString), user: \(credentials.username), \(authentication.rawValue))"
    }

    var host: String { url.host ?? "" }

    var isHTTPS: Bool { url.scheme?.lowercased() == "https" }
}
