import Foundation

/// Which kind of server a mailbox lives on. Gmail is IMAP/SMTP with an app password, but its
/// labels and message ids differ from a plain IMAP server's keywords, so it is its own kind.
public enum MailboxKind: String, Sendable, Codable, CaseIterable {
    case gmail
    case imap
    case exchange
}

/// Where a mailbox is in its life. `new` has never synced; `paused` is the user's choice and only
/// the user lifts it (the sync worker never overwrites it).
public enum MailboxSyncStatus: String, Sendable, Codable, CaseIterable {
    case new
    case connected
    case syncing
    case paused
    case error
}

/// How a connection to a mail server is protected. The raw values are the ones MailProtocols'
/// `TLSMode` uses, so the worker maps one onto the other by raw value.
public enum MailTLSMode: String, Sendable, Codable, CaseIterable {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    case implicit
    /// Plain at first, upgraded by STARTTLS (IMAP 143, SMTP 587).
    case startTLS
    /// No TLS: only for a server on the same machine or a trusted network.
    case none
}

/// One server a mailbox talks to.
public struct MailServerSettings: Sendable, Equatable, Codable {
    public var host: String
    public var port: Int
    public var tls: MailTLSMode

    public init(host: String, port: Int, tls: MailTLSMode) {
        self.host = host
        self.port = port
        self.tls = tls
    }
}

/// IMAP for reading and SMTP for sending (Gmail and any other IMAP server).
public struct IMAPSMTPSettings: Sendable, Equatable, Codable {
    public var imap: MailServerSettings
    public var smtp: MailServerSettings
    /// PEM of the CA that signed a self-hosted server's certificate; `nil` trusts the system roots.
    public var customCAPEM: String?

    public init(imap: MailServerSettings, smtp: MailServerSettings, customCAPEM: String? = nil) {
        self.imap = imap
        self.smtp = smtp
        self.customCAPEM = customCAPEM
    }

    /// Gmail's fixed endpoints; the user only gives an address and an app password.
    public static let gmail = IMAPSMTPSettings(
        imap: MailServerSettings(host: "imap.gmail.com", port: 993, tls: .implicit),
        smtp: MailServerSettings(host: "smtp.gmail.com", port: 465, tls: .implicit))
}

/// How to sign in to Exchange Web Services.
public enum ExchangeAuth: String, Sendable, Codable, CaseIterable {
    case basic
    case ntlm
    /// Whatever the server offers, NTLM preferred.
    case automatic
}

public struct ExchangeSettings: Sendable, Equatable, Codable {
    /// The EWS endpoint (`https://mail.example.ru/EWS/Exchange.asmx`); `nil` means autodiscover
    /// from the mailbox address.
    public var ewsURL: String?
    public var auth: ExchangeAuth

    public init(ewsURL: String?, auth: ExchangeAuth) {
        self.ewsURL = ewsURL
        self.auth = auth
    }
}

/// The connection settings of one mailbox, by protocol.
public enum MailboxConnection: Sendable, Equatable {
    case imap(IMAPSMTPSettings)
    case exchange(ExchangeSettings)
}

/// A connected corporate mailbox. Its password never appears here: Storage keeps it sealed and
/// hands it out only to the sync worker, as ``MailboxCredentials``.
public struct Mailbox: Sendable, Equatable, Identifiable {
    public static let defaultImportWindowDays = 14

    public let id: UUID
    public let companyID: UUID
    public var kind: MailboxKind
    public var displayName: String
    public var address: EmailAddress
    /// The login name; for Gmail and most servers the address itself, for Exchange often `DOMAIN\user`.
    public var username: String
    public var connection: MailboxConnection
    public var status: MailboxSyncStatus
    public var lastSyncAt: Date?
    public var lastError: String?
    public var messagesStored: Int
    /// How far back the first sync imports.
    public var importWindowDays: Int
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, companyID: UUID, kind: MailboxKind, displayName: String, address: EmailAddress, username: String,
        connection: MailboxConnection, status: MailboxSyncStatus, lastSyncAt: Date?, lastError: String?, messagesStored: Int,
        importWindowDays: Int, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.companyID = companyID
        self.kind = kind
        self.displayName = displayName
        self.address = address
        self.username = username
        self.connection = connection
        self.status = status
        self.lastSyncAt = lastSyncAt
        self.lastError = lastError
        self.messagesStored = messagesStored
        self.importWindowDays = importWindowDays
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the sync worker should hold a connection to it.
    public var isSyncable: Bool { status != .paused }
}

/// A mailbox's login, for the sync worker only. Printing, dumping or interpolating it shows the
/// username and never the secret, so a stray log line cannot leak it.
public struct MailboxCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let username: String
    /// The password or app password, in plain text. Hand it to the connector and nowhere else.
    public let secret: String

    public init(username: String, secret: String) {
        self.username = username
        self.secret = secret
    }

    public var description: String { "MailboxCredentials(username: \(username), secret: ***)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["username": username], displayStyle: .struct) }
}

/// The opaque sync position of one mailbox: MailProtocols' `MailboxCheckpoint` encoded as JSON by
/// the worker. Storage keeps the text as it is and never looks inside.
public struct MailboxCheckpointRecord: Sendable, Equatable {
    public let mailboxID: UUID
    public let json: String
    public let updatedAt: Date

    public init(mailboxID: UUID, json: String, updatedAt: Date) {
        self.mailboxID = mailboxID
        self.json = json
        self.updatedAt = updatedAt
    }
}
