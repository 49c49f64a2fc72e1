/// How a connection to a mail server is protected.
public enum TLSMode: String, Sendable, Codable {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    case implicit
    /// Plain at first, upgraded by the protocol's STARTTLS command (IMAP 143, SMTP 587).
    case startTLS
    /// No TLS at all: only for a relay on the same machine or a trusted network.
    case none
}

/// Which certificate authorities a TLS connection accepts. The server's certificate and name are
/// always verified; there is deliberately no way to switch that off.
public enum TLSTrust: Sendable, Equatable {
    /// The operating system's root certificates.
    case system
    /// Only the given CA (PEM, one or more certificates): for self-hosted servers with their own CA.
    case customCA(pem: [UInt8])
}

/// Where a mail server listens and how long to wait for it.
public struct MailServerEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var trust: TLSTrust
    /// Longest wait for the TCP connection (and, with implicit TLS, the handshake after it).
    public var connectTimeout: Duration
    /// Longest wait for an answer once connected.
    public var commandTimeout: Duration

    public init(
        host: String,
        port: Int,
        tls: TLSMode,
        trust: TLSTrust = .system,
        connectTimeout: Duration = .seconds(15),
        commandTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}
