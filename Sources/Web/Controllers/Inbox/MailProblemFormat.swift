import Domain
import Foundation

/// A mailbox's or a label action's stored problem in the visitor's language: the workers store a
/// ``MailProblem`` (a code and its values), the code picks the sentence `mailbox_problem_<code>`,
/// and the server's own text (`detail`) goes under it as it came, for whoever fixes the server.
/// Text that is not a stored problem (rows written before it existed) is shown as it is.
enum MailProblemFormat {
    struct Text: Equatable {
        let sentence: String
        let detail: String?
    }

    /// `kind`: the mailbox's, when known (Gmail's refused password gets its own sentence).
    static func text(_ stored: String?, kind: MailboxKind? = nil, localizer: Localizer, locale: AppLocale) -> Text? {
        guard let stored, !stored.isEmpty else { return nil }
        guard let problem = MailProblem(stored: stored) else { return Text(sentence: stored, detail: nil) }
        let key = problem.code == .wrongPassword && kind == .gmail
            ? "mailbox_problem_wrong_password_gmail" : "mailbox_problem_\(problem.code.rawValue)"
        let detail = problem[MailProblem.detail].flatMap { $0.isEmpty ? nil : $0 }
        return Text(sentence: localizer.text(key, locale, values: problem.values), detail: detail)
    }
}
