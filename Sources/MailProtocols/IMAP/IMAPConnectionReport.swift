/// What `IMAPMailboxConnector.testConnection()` found: both logins worked (it throws otherwise),
/// and this is what the mailbox looks like to the connector.
public struct IMAPConnectionReport: Sendable, Equatable {
    /// What the server said about itself (IMAP ID), e.g. `["name": "Dovecot"]`; empty without ID.
    public var serverID: [String: String]
    public var isGmail: Bool
    public var labelStyle: IMAPLabelStyle
    /// The capabilities the connector makes use of, of those the server offers.
    public var capabilities: [String]
    public var folders: [IMAPMailbox]
    /// The folders marked with a special use (RFC 6154), e.g. `.sent: "Sent"`.
    public var specialUseFolders: [IMAPSpecialUse: String]
    /// The folder new mail is read from, as SELECT reported it; `nil` when it cannot be opened.
    public var folder: MailboxStatus?
    /// Where copies of sent mail would go; `nil` when there is no Sent folder (or Gmail files them).
    public var sentFolder: String?
    /// Labels can be written: Gmail labels, or keywords the folder keeps (PERMANENTFLAGS `\*`).
    public var labelsCanBeStored: Bool
    /// What the SMTP server announced after TLS and login.
    public var smtpCapabilities: SMTPCapabilities

    public init(
        serverID: [String: String], isGmail: Bool, labelStyle: IMAPLabelStyle, capabilities: [String], folders: [IMAPMailbox],
        specialUseFolders: [IMAPSpecialUse: String], folder: MailboxStatus?, sentFolder: String?, labelsCanBeStored: Bool,
        smtpCapabilities: SMTPCapabilities
    ) {
        self.serverID = serverID
        self.isGmail = isGmail
        self.labelStyle = labelStyle
        self.capabilities = capabilities
        self.folders = folders
        self.specialUseFolders = specialUseFolders
        self.folder = folder
        self.sentFolder = sentFolder
        self.labelsCanBeStored = labelsCanBeStored
        self.smtpCapabilities = smtpCapabilities
    }
}

/// What `IMAPMailboxConnector.sendWithReport(_:)` did: the SMTP answer, and what became of
/// the copy for the Sent folder.
public struct IMAPSendReport: Sendable, Equatable {
    public enum SentCopy: Sendable, Equatable {
        /// APPENDed; the UID when the server has UIDPLUS.
        case appended(folder: String, uid: UInt32?)
        /// Not appended: the server files sent mail itself (Gmail), or the settings say so.
        case leftToServer
        /// No folder is marked `\Sent` or named like one.
        case noSentFolder
        /// The APPEND failed; the message was sent all the same.
        case failed(String)
    }

    public var smtp: SMTPSendResult
    public var sentCopy: SentCopy

    public init(smtp: SMTPSendResult, sentCopy: SentCopy) {
        self.smtp = smtp
        self.sentCopy = sentCopy
    }
}

/// A failed connection test in the words the "test connection" button answers with, whatever
/// the protocol: wrong password, app password required, TLS problem, host unreachable.
public struct MailConnectionProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case wrongPassword
        /// Gmail with 2-Step Verification: the account password is refused, an app password works.
        case appPasswordRequired
        /// Certificate not trusted, name mismatch, no TLS offered where it is required.
        case tlsProblem
        /// DNS failure, connection refused, nothing answering in time.
        case hostUnreachable
        case other
    }

    public enum Service: String, Sendable, Equatable {
        case imap
        case smtp
        case exchange
    }

    public var kind: Kind
    /// Which server refused; `nil` for an error of no mail protocol.
    public var service: Service?
    /// The error itself, for the details line and the log (never a password).
    public var detail: String

    public init(kind: Kind, service: Service?, detail: String) {
        self.kind = kind
        self.service = service
        self.detail = detail
    }

    /// Sorts an error thrown by `IMAPMailboxConnector.testConnection()` (or by the EWS client).
    public init(_ error: any Error) {
        switch error {
        case let imap as IMAPError:
            self.init(kind: Self.kind(of: imap), service: .imap, detail: String(describing: imap))
        case let smtp as SMTPError:
            self.init(kind: Self.kind(of: smtp), service: .smtp, detail: smtp.description)
        case let ews as EWSError:
            self.init(kind: Self.kind(of: ews), service: .exchange, detail: ews.description)
        case let transport as MailTransportError:
            self.init(kind: Self.kind(of: transport), service: nil, detail: transport.description)
        default:
            self.init(kind: .other, service: nil, detail: String(describing: error))
        }
    }

    public var description: String {
        "\(service?.rawValue ?? "mail"): \(kind.rawValue): \(detail)"
    }

    private static func kind(of error: IMAPError) -> Kind {
        switch error {
        case .authenticationFailed: .wrongPassword
        case .appPasswordRequired: .appPasswordRequired
        // LOGINDISABLED: the server takes a password only over TLS.
        case .tlsFailure, .startTLSNotOffered, .loginDisabled: .tlsProblem
        case .unreachable: .hostUnreachable
        case .timedOut, .connectionLost, .protocolViolation, .notConnected, .commandFailed, .throttled, .unsupported, .invalidArgument: .other
        }
    }

    private static func kind(of error: SMTPError) -> Kind {
        switch error {
        case .authenticationFailed: .wrongPassword
        case .appPasswordRequired: .appPasswordRequired
        case .tlsRequired: .tlsProblem
        case .transport(let transport): kind(of: transport)
        default: .other
        }
    }

    private static func kind(of error: EWSError) -> Kind {
        switch error {
        case .authenticationFailed: .wrongPassword
        case .tlsFailure: .tlsProblem
        case .unreachable: .hostUnreachable
        default: .other
        }
    }

    private static func kind(of error: MailTransportError) -> Kind {
        switch error {
        case .unreachable: .hostUnreachable
        case .tlsFailure: .tlsProblem
        case .timedOut, .closedByServer, .lineTooLong: .other
        }
    }
}
