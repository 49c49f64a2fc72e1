import Domain
import Foundation

/// What the "test connection" button asks: can we sign in to this mailbox with these settings?
/// The default answers through MailProtocols directly; the pipeline's connector factory may
/// take its place, and tests use a fake.
protocol MailboxConnectionTesting: Sendable {
    /// Never throws: every failure is an answer for the person at the form.
    func test(_ draft: MailboxDraft, secret: String) async -> ConnectionCheck
}

/// The answer to "test connection", in terms the page turns into plain words.
struct ConnectionCheck: Sendable, Equatable {
    /// Why it did not work; each has a sentence (`mailbox_problem_<raw value>`).
    enum Problem: String, Sendable, CaseIterable {
        case wrongPassword = "wrong_password"
        case appPasswordRequired = "app_password_required"
        case tlsProblem = "tls_problem"
        case hostUnreachable = "host_unreachable"
        case autodiscoveryFailed = "autodiscovery_failed"
        case other
    }

    /// Which server answered so (`mailbox_service_<raw value>`).
    enum Service: String, Sendable, CaseIterable {
        case imap
        case smtp
        case exchange
    }

    /// `nil`: everything worked.
    var problem: Problem?
    var service: Service?
    /// The technical line under the sentence; never the password.
    var detail: String
    /// What a successful check found.
    var folderCount: Int?
    var labelsCanBeStored: Bool?
    var ewsURL: String?

    var succeeded: Bool { problem == nil }

    static func success(folderCount: Int? = nil, labelsCanBeStored: Bool? = nil, ewsURL: String? = nil, detail: String = "") -> ConnectionCheck {
        ConnectionCheck(problem: nil, service: nil, detail: detail, folderCount: folderCount, labelsCanBeStored: labelsCanBeStored, ewsURL: ewsURL)
    }

    static func failure(_ problem: Problem, service: Service?, detail: String) -> ConnectionCheck {
        ConnectionCheck(problem: problem, service: service, detail: detail, folderCount: nil, labelsCanBeStored: nil, ewsURL: nil)
    }

    /// The same answer with every occurrence of `secret` blanked out of the details: a server
    /// that echoes what it was sent must not put the password on the page.
    func hiding(_ secret: String) -> ConnectionCheck {
        guard !secret.isEmpty else { return self }
        var check = self
        check.detail = detail.replacingOccurrences(of: secret, with: "***")
        return check
    }
}
