import Domain
import Foundation

/// Why an enrichment or a discovery run failed, in the visitor's language. The workers store a
/// `ProspectProblem` (a code and its values) rather than a sentence; here the code picks the
/// string `problem_<code>` and the values fill its `{name}` placeholders. What a provider said
/// (`detail`) is put in as it came: it is the provider's message, not ours to translate.
///
/// Text that is not a stored problem (rows written before it existed, anything typed by hand)
/// is shown as it is: an English sentence is still better than no reason.
enum ProblemFormat {
    /// Values that are counts, written the way the visitor's language groups digits.
    static let counts: Set<String> = [ProspectProblem.used, ProspectProblem.limit]

    /// The reason for the page; nil when there is none (nil or empty).
    static func text(_ stored: String?, localizer: Localizer, locale: AppLocale) -> String? {
        guard let stored, !stored.isEmpty else { return nil }
        guard let problem = ProspectProblem(stored: stored) else { return stored }
        var values = problem.values
        for name in counts {
            if let raw = values[name], let count = Int(raw) { values[name] = ClientFormat.grouped(count, locale) }
        }
        return localizer.text("problem_\(problem.code.rawValue)", locale, values: values)
    }
}
