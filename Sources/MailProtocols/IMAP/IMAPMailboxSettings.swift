/// How labels are written into an IMAP mailbox.
public enum IMAPLabelStyle: String, Sendable, Codable, CaseIterable {
    /// Gmail labels (`X-GM-LABELS`), by their names as the user sees them.
    case gmailLabels
    /// IMAP keywords, each label name mapped to an ASCII atom by `KeywordMapping`.
    case keywords
}

/// Everything `IMAPMailboxConnector` needs to reach one mailbox: where to read (IMAP), where to
/// send (SMTP), and what to read. Holds the password: never log it (`description` masks it).
public struct IMAPMailboxSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Who SMTP logs in as.
    public enum SMTPLogin: Sendable, Equatable {
        /// The IMAP user name and password (Gmail, and most hosted mail).
        case sameAsIMAP
        case separate(SMTPCredentials)
        /// No AUTH: a relay on this machine or a trusted network.
        case noAuthentication
    }

    public var imap: MailServerEndpoint
    public var username: String
    /// Sent as given; for Gmail use `gmail(address:appPassword:)`, which strips the spaces
    /// Google shows in app passwords.
    public var password: String
    public var authentication: IMAPAuthenticationMechanism
    public var smtp: MailServerEndpoint
    public var smtpLogin: SMTPLogin
    /// The folder new mail is read from.
    public var folder: String
    /// The first import (and every batch, see `IMAPMailboxConnector`) covers mail whose
    /// INTERNALDATE lies within this many days.
    public var importWindowDays: Int
    /// Messages per `fetchNew` at most.
    public var batchSize: Int
    /// Bytes of the text part fetched for the snippet (the window before decoding).
    public var snippetWindow: Int
    /// `nil`: Gmail labels when the server has X-GM-EXT-1, keywords elsewhere.
    public var labelStyle: IMAPLabelStyle?
    /// Where copies of sent mail go; `nil`: the folder marked `\Sent` (SPECIAL-USE), else one
    /// named like a Sent folder ("Sent", "Sent Items", "Отправленные" …).
    public var sentFolder: String?
    /// Whether `send` APPENDs a copy to the Sent folder; `nil`: yes, except on Gmail, which files
    /// what its SMTP server sends by itself.
    public var appendsSentCopies: Bool?

    public init(
        imap: MailServerEndpoint,
        username: String,
        password: String,
        smtp: MailServerEndpoint,
        smtpLogin: SMTPLogin = .sameAsIMAP,
        folder: String = "INBOX",
        importWindowDays: Int = 14,
        batchSize: Int = 200,
        snippetWindow: Int = 2048,
        labelStyle: IMAPLabelStyle? = nil,
        sentFolder: String? = nil,
        appendsSentCopies: Bool? = nil,
        authentication: IMAPAuthenticationMechanism = .automatic
    ) {
        self.imap = imap
        self.username = username
        self.password = password
        self.authentication = authentication
        self.smtp = smtp
        self.smtpLogin = smtpLogin
        self.folder = folder
        self.importWindowDays = importWindowDays
        self.batchSize = batchSize
        self.snippetWindow = snippetWindow
        self.labelStyle = labelStyle
        self.sentFolder = sentFolder
        self.appendsSentCopies = appendsSentCopies
    }

    /// A Gmail account with an app password: `imap.gmail.com:993` and `smtp.gmail.com:465`, both
    /// TLS from the first byte. The spaces Google shows between the password's groups are removed.
    public static func gmail(address: String, appPassword: String, folder: String = "INBOX") -> IMAPMailboxSettings {
        IMAPMailboxSettings(
            imap: MailServerEndpoint(host: "imap.gmail.com", port: 993, tls: .implicit),
            username: address,
            password: appPassword.filter { !$0.isWhitespace },
            smtp: MailServerEndpoint(host: "smtp.gmail.com", port: 465, tls: .implicit),
            folder: folder)
    }

    /// What SMTP's AUTH is given; `nil` for no AUTH.
    public var smtpCredentials: SMTPCredentials? {
        switch smtpLogin {
        case .sameAsIMAP: SMTPCredentials(username: username, password: password)
        case .separate(let credentials): credentials
        case .noAuthentication: nil
        }
    }

    /// Never the passwords: settings end up in log lines and error reports by accident.
    public var description: String {
        "IMAPMailboxSettings(imap: \(imap.host):\(imap.port), username: \(username), password: ***, "
            + "smtp: \(smtp.host):\(smtp.port), folder: \(folder))"
    }

    public var debugDescription: String { description }
}
