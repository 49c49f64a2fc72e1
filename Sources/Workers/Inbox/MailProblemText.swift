import Foundation
import MailProtocols
import Storage

/// Errors of the mail servers in the words a mailbox's owner reads on the mailbox page, and the
/// decision the workers make from them: a refused login is not retried (the server would lock
/// the account, and only the owner can fix it), everything else is.
enum MailProblemText {
    /// The mailbox's `lastError`: one or two sentences, never a password.
    static func text(for error: any Error) -> String {
        if let unsupported = error as? MailboxActionUnsupported {
            let text = unsupported.description
            return text.prefix(1).uppercased() + String(text.dropFirst()) + "."
        }
        if let failure = error as? EWSAutodiscoveryFailure {
            if refusedLogin(failure) { return text(for: .wrongPassword, service: .exchange, detail: "") }
            return "Exchange Autodiscover found no EWS address for \(failure.emailAddress). Enter the EWS URL "
                + "(for example https://mail.example.ru/EWS/Exchange.asmx) in the mailbox settings."
        }
        if let folder = error as? EWSFolderLookupError {
            return folderText(for: folder)
        }
        if let connector = error as? IMAPConnectorError {
            return "The mailbox refused the request: \(connector.description)."
        }
        if let imap = error as? IMAPError, let text = imapText(for: imap) {
            return text
        }
        if let ews = error as? EWSError, case .invalidConfiguration(let detail) = ews {
            return "The Exchange settings cannot be used: \(detail)."
        }
        if let storage = error as? StorageError {
            return "Stored data could not be read (\(storage.description)); the sync will be tried again."
        }
        let problem = MailConnectionProblem(error)
        return text(for: problem.kind, service: problem.service, detail: problem.detail)
    }

    static func text(for kind: MailConnectionProblem.Kind, service: MailConnectionProblem.Service?, detail: String) -> String {
        let server = serverName(service)
        switch kind {
        case .wrongPassword:
            return "The \(server) refused the user name or password. Check them, save the mailbox again, and the sync will resume."
        case .appPasswordRequired:
            return "Google refused the account password: this account uses 2-Step Verification. Create an app password "
                + "(Google Account → Security → App passwords) and enter it here instead."
        case .tlsProblem:
            return "A secure (TLS) connection to the \(server) could not be made: its certificate is not trusted, or TLS is "
                + "not offered on this port. Check the port and TLS mode, or add the server's CA certificate." + suffix(detail)
        case .hostUnreachable:
            return "The \(server) could not be reached. Check the host name and port, and that the server is up." + suffix(detail)
        case .other:
            return "The \(server) reported a problem." + suffix(detail)
        }
    }

    /// A login the server refused or will never take, or settings that cannot work: retrying
    /// cannot help (and may lock the account), so the job ends and the mailbox waits for its owner.
    static func isPermanent(_ error: any Error) -> Bool {
        if let failure = error as? EWSAutodiscoveryFailure { return refusedLogin(failure) }
        if let imap = error as? IMAPError {
            switch imap {
            case .authenticationFailed, .appPasswordRequired, .loginDisabled: return true
            default: return false
            }
        }
        if let ews = error as? EWSError {
            switch ews {
            case .authenticationFailed, .unsupportedAuthentication, .invalidConfiguration: return true
            default: return false
            }
        }
        let kind = MailConnectionProblem(error).kind
        return kind == .wrongPassword || kind == .appPasswordRequired
    }

    /// The connection, not the request, failed (or the server asked us to back off): the job
    /// is retried later and the actions under way are not counted as failed attempts.
    static func isConnectionProblem(_ error: any Error) -> Bool {
        switch error {
        case let imap as IMAPError:
            if case .throttled = imap { return true }
            return imap.requiresReconnect
        case let ews as EWSError:
            switch ews {
            case .timedOut, .connectionLost, .unreachable, .tlsFailure, .serverBusy, .responseTooLarge, .notSOAP, .redirected:
                return true
            case .httpStatus(let status, _):
                return status >= 500
            default:
                return false
            }
        case is MailTransportError:
            return true
        default:
            return false
        }
    }

    /// A label action that can never succeed: the message is gone or renumbered, the id is not
    /// the connector's, the mailbox kind cannot do it, or the folder to move it to cannot be told
    /// (no folder has the name, or several do: only the owner can fix that, by a folder in the
    /// mailbox or a path in the rule). Failed at once rather than retried.
    static func isPermanentForAction(_ error: any Error) -> Bool {
        switch error {
        case is MailboxActionUnsupported, is EWSFolderLookupError:
            return true
        case let connector as IMAPConnectorError:
            switch connector {
            case .itemNotFound, .staleItem, .invalidItemID, .foreignCheckpoint: return true
            case .labelsNotSupported: return false
            }
        case let imap as IMAPError:
            if case .invalidArgument = imap { return true }
            return false
        case let ews as EWSError:
            if case .itemError(let code, _) = ews { return code == "ErrorItemNotFound" || code == "ErrorInvalidIdMalformed" }
            return false
        default:
            return false
        }
    }

    /// What the owner does about a rule's folder Exchange does not have, or has more than once.
    private static func folderText(for error: EWSFolderLookupError) -> String {
        switch error {
        case .notFound(let path):
            return "There is no folder \"\(path)\" in the Exchange mailbox. Create it in Outlook, or change the folder in the category's rule."
        case .ambiguous(let path, let name, let count):
            return "The Exchange mailbox has \(count) folders called \"\(name)\". In the category's rule, give the folder's path from the "
                + "top of the mailbox, for example Inbox/\(path)."
        }
    }

    private static func imapText(for error: IMAPError) -> String? {
        switch error {
        case .timedOut:
            return "The IMAP server did not answer in time; the sync will be tried again."
        case .connectionLost(let detail):
            return "The connection to the IMAP server broke (\(detail)); the sync will be tried again."
        case .throttled:
            return "The IMAP server asked us to slow down; the sync will be tried again later."
        case .loginDisabled:
            return "The IMAP server does not accept a password on this connection: choose TLS (port 993) or STARTTLS (port 143)."
        case .commandFailed(let failure):
            let said = failure.response.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return "The IMAP server refused \(failure.command)" + (said.isEmpty ? "." : ": \(said)")
        default:
            return nil
        }
    }

    private static func refusedLogin(_ failure: EWSAutodiscoveryFailure) -> Bool {
        failure.attempts.contains { attempt in
            if case .authenticationFailed = attempt.error { return true }
            return false
        }
    }

    private static func serverName(_ service: MailConnectionProblem.Service?) -> String {
        switch service {
        case .imap?: "IMAP server"
        case .smtp?: "SMTP server"
        case .exchange?: "Exchange server"
        case nil: "mail server"
        }
    }

    private static func suffix(_ detail: String) -> String {
        let trimmed = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "" : " (\(String(trimmed.prefix(500))))"
    }
}
