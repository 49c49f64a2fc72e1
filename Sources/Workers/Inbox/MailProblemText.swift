import Domain
import Foundation
import MailProtocols
import Storage

/// Errors of the mail servers in the words a mailbox's owner reads on the mailbox page, and the
/// decision the workers make from them: a refused login is not retried (the server would lock
/// the account, and only the owner can fix it), everything else is.
enum MailProblemText {
    /// The problem in English, for job errors and logs: one or two sentences, never a password.
    static func text(for error: any Error) -> String {
        problem(for: error).englishText
    }

    /// The problem as a code and values, for the mailbox's `lastError` and a label action's
    /// error (`MailProblem.stored`): the page words it in the reader's language.
    static func problem(for error: any Error) -> MailProblem {
        if let unsupported = error as? MailboxActionUnsupported {
            return MailProblem(.actionUnsupported, values: [MailProblem.detail: unsupported.description])
        }
        if let failure = error as? EWSAutodiscoveryFailure {
            if refusedLogin(failure) { return problem(for: .wrongPassword, service: .exchange, detail: "") }
            return MailProblem(.autodiscoveryFailed, values: [MailProblem.detail: failure.emailAddress])
        }
        if let folder = error as? EWSFolderLookupError {
            return folderProblem(for: folder)
        }
        if let connector = error as? IMAPConnectorError {
            switch connector {
            case .itemNotFound:
                return MailProblem(.messageGone, values: [MailProblem.detail: connector.description])
            case .labelsNotSupported(let folder, _):
                return MailProblem(.labelsNotSupported, values: [MailProblem.folder: folder, MailProblem.detail: connector.description])
            default:
                return MailProblem(.requestRefused, values: [MailProblem.detail: connector.description])
            }
        }
        if let imap = error as? IMAPError, let imapFailure = imapProblem(for: imap) {
            return imapFailure
        }
        if let ews = error as? EWSError, case .invalidConfiguration(let detail) = ews {
            return MailProblem(.invalidConfiguration, values: [MailProblem.detail: detail])
        }
        if let storage = error as? StorageError {
            return MailProblem(.storageError, values: [MailProblem.detail: storage.description])
        }
        let connection = MailConnectionProblem(error)
        return problem(for: connection.kind, service: connection.service, detail: connection.detail)
    }

    static func problem(for kind: MailConnectionProblem.Kind, service: MailConnectionProblem.Service?, detail: String) -> MailProblem {
        var values: [String: String] = [:]
        if let service { values[MailProblem.service] = service.rawValue }
        switch kind {
        case .wrongPassword:
            return MailProblem(.wrongPassword, values: values)
        case .appPasswordRequired:
            return MailProblem(.appPasswordRequired, values: values)
        case .tlsProblem:
            values[MailProblem.detail] = detail
            return MailProblem(.tlsProblem, values: values)
        case .hostUnreachable:
            values[MailProblem.detail] = detail
            return MailProblem(.hostUnreachable, values: values)
        case .other:
            values[MailProblem.detail] = detail
            return MailProblem(.other, values: values)
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
    private static func folderProblem(for error: EWSFolderLookupError) -> MailProblem {
        switch error {
        case .notFound(let path):
            return MailProblem(.folderNotFound, values: [MailProblem.path: path])
        case .ambiguous(let path, let name, let count):
            return MailProblem(.folderAmbiguous, values: [MailProblem.path: path, MailProblem.name: name, MailProblem.count: String(count)])
        }
    }

    private static func imapProblem(for error: IMAPError) -> MailProblem? {
        switch error {
        case .timedOut:
            return MailProblem(.timedOut)
        case .connectionLost(let detail):
            return MailProblem(.connectionLost, values: [MailProblem.detail: detail])
        case .throttled:
            return MailProblem(.throttled)
        case .loginDisabled:
            return MailProblem(.loginDisabled)
        case .commandFailed(let failure):
            let said = failure.response.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return MailProblem(.commandRefused, values: [MailProblem.command: failure.command, MailProblem.detail: said])
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
}
