import Foundation

/// Why a mailbox stopped syncing or a label action failed, as a stable code with named values
/// rather than a sentence. The workers store it in the text columns the sentence always had
/// (`Mailbox.lastError`, `LabelAction.lastError`, a moved message's note), and the web layer
/// words it in the visitor's language (`mailbox_problem_<code>`).
///
/// The stored form is `mailproblem:<code>?<name>=<value>&…` (the grammar of ``ProspectProblem``:
/// values percent-encoded, names sorted). Rows written before this type hold plain English
/// sentences: they do not decode, and are shown as they are.
///
/// `detail` is the server's (or the library's) own text: technical, kept as it came, shown
/// under the sentence for whoever has to fix the server.
public struct MailProblem: Sendable, Hashable {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The server refused the user name or password (`service`).
        case wrongPassword = "wrong_password"
        /// Google wants an app password.
        case appPasswordRequired = "app_password_required"
        /// No trusted TLS connection (`service`, `detail`).
        case tlsProblem = "tls_problem"
        /// The server could not be reached (`service`, `detail`).
        case hostUnreachable = "host_unreachable"
        /// Exchange Autodiscover found no EWS address (`detail`: the e-mail address it was asked for).
        case autodiscoveryFailed = "autodiscovery_failed"
        /// Anything else the server reported (`service`, `detail`).
        case other
        /// The mailbox kind cannot do what a rule asks (`detail`).
        case actionUnsupported = "action_unsupported"
        /// A rule's Exchange folder does not exist (`path`).
        case folderNotFound = "folder_not_found"
        /// Several Exchange folders have the rule's folder name (`path`, `name`, `count`).
        case folderAmbiguous = "folder_ambiguous"
        /// The message is no longer in the mailbox (`detail`).
        case messageGone = "message_gone"
        /// The folder cannot keep labels (IMAP keywords) (`folder`, `detail`).
        case labelsNotSupported = "labels_not_supported"
        /// The mailbox refused the request (`detail`).
        case requestRefused = "request_refused"
        /// The IMAP server refused a command (`command`, `detail`).
        case commandRefused = "command_refused"
        /// The Exchange settings cannot be used (`detail`).
        case invalidConfiguration = "invalid_configuration"
        /// Stored data could not be read; retried (`detail`).
        case storageError = "storage_error"
        /// The IMAP server did not answer in time; retried.
        case timedOut = "timed_out"
        /// The connection broke; retried (`detail`).
        case connectionLost = "connection_lost"
        /// The server asked us to slow down; retried later.
        case throttled
        /// The IMAP server takes no password on this connection (plain text without TLS).
        case loginDisabled = "login_disabled"
        /// The message is no longer stored here.
        case messageNotStored = "message_not_stored"
        /// A rule moved the message and it cannot be found there (`folder`).
        case movedUnreachable = "moved_unreachable"
        /// Moved, but the server gave no new id (`folder`, `detail`): its labels can no longer change.
        case movedUntracked = "moved_untracked"

        /// The values a stored problem of this code must carry; the sentences name those that
        /// are not `detail` or `service` (the detail is shown under the sentence).
        public var parameters: [String] {
            switch self {
            case .wrongPassword, .appPasswordRequired, .timedOut, .throttled, .loginDisabled, .messageNotStored: []
            case .tlsProblem, .hostUnreachable, .other, .actionUnsupported, .messageGone, .requestRefused,
                 .invalidConfiguration, .storageError, .connectionLost:
                [MailProblem.detail]
            // The address Autodiscover was asked for goes under the sentence, which the
            // connection test shows too, where no address is filled in.
            case .autodiscoveryFailed: [MailProblem.detail]
            case .folderNotFound: [MailProblem.path]
            case .folderAmbiguous: [MailProblem.path, MailProblem.name, MailProblem.count]
            case .labelsNotSupported: [MailProblem.folder, MailProblem.detail]
            case .commandRefused: [MailProblem.command, MailProblem.detail]
            case .movedUnreachable: [MailProblem.folder]
            case .movedUntracked: [MailProblem.folder, MailProblem.detail]
            }
        }
    }

    // The names of the values, as the stored form and the translations' `{name}` placeholders spell them.
    public static let detail = "detail"
    /// `imap`, `smtp` or `exchange`; optional.
    public static let service = "service"
    public static let path = "path"
    public static let name = "name"
    public static let count = "count"
    public static let folder = "folder"
    public static let command = "command"

    /// What every stored form starts with.
    public static let prefix = "mailproblem:"
    /// The error columns' length: `stored` never exceeds it.
    public static let maximumStoredLength = 2_000
    /// The longest detail kept (the server's text can be long).
    public static let maximumDetailLength = 500

    public let code: Code
    public let values: [String: String]

    public init(_ code: Code, values: [String: String] = [:]) {
        self.code = code
        var kept = values
        if let detail = values[Self.detail] {
            let trimmed = detail.trimmingCharacters(in: .whitespacesAndNewlines)
            kept[Self.detail] = trimmed.count > Self.maximumDetailLength ? String(trimmed.prefix(Self.maximumDetailLength)) + "…" : trimmed
        }
        self.values = kept
    }

    public subscript(name: String) -> String? { values[name] }

    // MARK: Stored form

    /// `mailproblem:<code>?<name>=<value>&…`; a value too long for the column is cut before
    /// it is encoded (the detail is already at most ``maximumDetailLength`` characters).
    public var stored: String {
        let whole = Self.encode(code, values)
        guard whole.count > Self.maximumStoredLength else { return whole }
        var shorter = values
        for name in shorter.keys.sorted() {
            shorter[name] = String((shorter[name] ?? "").prefix(100))
        }
        return Self.encode(code, shorter)
    }

    /// Reads a stored problem; nil for anything else (an older row's sentence, free text, an
    /// unknown code, a value missing or badly escaped), which callers show as it is.
    public init?(stored: String) {
        guard let (codeText, values) = StoredProblemText.decode(stored, prefix: Self.prefix),
              let code = Code(rawValue: codeText),
              code.parameters.allSatisfy({ values[$0] != nil }) else { return nil }
        self.code = code
        self.values = values
    }

    static func encode(_ code: Code, _ values: [String: String]) -> String {
        StoredProblemText.encode(prefix: prefix, code: code.rawValue, values: values)
    }

    // MARK: English

    /// The problem in English, for job errors and logs, which operators read whatever the
    /// tenant's language; the sentences the workers stored before this type.
    public var englishText: String {
        let detail = values[Self.detail] ?? ""
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        let server: String
        switch values[Self.service] {
        case "imap": server = "IMAP server"
        case "smtp": server = "SMTP server"
        case "exchange": server = "Exchange server"
        default: server = "mail server"
        }
        let folder = values[Self.folder] ?? ""
        switch code {
        case .wrongPassword:
            return "The \(server) refused the user name or password. Check them, save the mailbox again, and the sync will resume."
        case .appPasswordRequired:
            return "Google refused the account password: this account uses 2-Step Verification. Create an app password "
                + "(Google Account → Security → App passwords) and enter it here instead."
        case .tlsProblem:
            return "A secure (TLS) connection to the \(server) could not be made: its certificate is not trusted, or TLS is "
                + "not offered on this port. Check the port and TLS mode, or add the server's CA certificate." + suffix
        case .hostUnreachable:
            return "The \(server) could not be reached. Check the host name and port, and that the server is up." + suffix
        case .other:
            return "The \(server) reported a problem." + suffix
        case .autodiscoveryFailed:
            return "Exchange Autodiscover found no EWS address for \(values[Self.detail] ?? ""). Enter the EWS URL "
                + "(for example https://mail.example.ru/EWS/Exchange.asmx) in the mailbox settings."
        case .actionUnsupported:
            return detail.prefix(1).uppercased() + String(detail.dropFirst()) + "."
        case .folderNotFound:
            return "There is no folder \"\(values[Self.path] ?? "")\" in the Exchange mailbox. Create it in Outlook, or change the folder in the category's rule."
        case .folderAmbiguous:
            return "The Exchange mailbox has \(values[Self.count] ?? "") folders called \"\(values[Self.name] ?? "")\". In the category's rule, "
                + "give the folder's path from the top of the mailbox, for example Inbox/\(values[Self.path] ?? "")."
        case .messageGone, .labelsNotSupported, .requestRefused:
            return "The mailbox refused the request: \(detail)."
        case .commandRefused:
            return "The IMAP server refused \(values[Self.command] ?? "")" + (detail.isEmpty ? "." : ": \(detail)")
        case .invalidConfiguration:
            return "The Exchange settings cannot be used: \(detail)."
        case .storageError:
            return "Stored data could not be read (\(detail)); the sync will be tried again."
        case .timedOut:
            return "The IMAP server did not answer in time; the sync will be tried again."
        case .connectionLost:
            return "The connection to the IMAP server broke (\(detail)); the sync will be tried again."
        case .throttled:
            return "The IMAP server asked us to slow down; the sync will be tried again later."
        case .loginDisabled:
            return "The IMAP server does not accept a password on this connection: choose TLS (port 993) or STARTTLS (port 143)."
        case .messageNotStored:
            return "The message is no longer stored."
        case .movedUnreachable:
            return "The message was moved to \"\(folder)\" and cannot be found there, so its labels cannot be changed."
        case .movedUntracked:
            return "Moved to \"\(folder)\", but \(detail); its labels can no longer be changed there."
        }
    }

    /// English text of a stored problem, or the stored text itself when it is no problem.
    public static func englishText(stored: String) -> String {
        MailProblem(stored: stored)?.englishText ?? stored
    }
}
