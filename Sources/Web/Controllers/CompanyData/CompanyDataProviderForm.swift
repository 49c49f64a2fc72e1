import Domain
import Foundation

/// The add and edit forms of a company-data provider as typed, so a page shown again with
/// errors holds exactly what was entered. The key is not here: it is read from the post when
/// needed and never put back into a page. The address and key rules are the LLM keys' own
/// (`https` only, plain `http` for this machine; no spaces in a key).
struct CompanyDataProviderForm {
    var kind = CompanyDataProviderKind.daData.rawValue
    var baseURL = ""
    var isEnabled = true

    /// The form field the key travels in; the audit trail masks it by this name.
    static let keyField = "api_key"

    init() {}

    init(kind: CompanyDataProviderKind) {
        self.kind = kind.rawValue
    }

    /// A stored provider's settings, for its edit form.
    init(_ stored: TenantCompanyDataProvider) {
        kind = stored.kind.rawValue
        baseURL = stored.baseURL ?? ""
        isEnabled = stored.isEnabled
    }

    /// A posted form over `base`; the checkbox's absence reads as "off". The kind of a stored
    /// provider does not change (its key belongs to that service), so an edit keeps `base`'s.
    init(_ input: FormData, base: CompanyDataProviderForm, kindIsFixed: Bool) {
        self = base
        if !kindIsFixed { kind = input["kind"] }
        baseURL = input["base_url"]
        isEnabled = input.has("is_enabled")
    }

    /// The provider and its address (`nil`: the service's public API), or `nil` with the fields
    /// that are wrong added to `errors`.
    func validated(into errors: inout FieldErrors) -> (kind: CompanyDataProviderKind, baseURL: String?)? {
        guard let provider = CompanyDataProviderKind(rawValue: kind) else {
            errors.add("kind", "validation_choice")
            return nil
        }
        let typed = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        if typed.isEmpty { return (provider, nil) }
        guard let normalised = TenantLLMProviderDraft.normalisedBaseURL(typed) else {
            errors.add("base_url", "validation_llm_base_url")
            return nil
        }
        return (provider, normalised)
    }

    /// The typed key, trimmed (empty when none was typed), or a field error for one that
    /// cannot be a key.
    static func key(_ input: FormData, into errors: inout FieldErrors) -> String {
        guard let key = TenantLLMProviderDraft.normalisedKey(input[keyField]) else {
            errors.add(keyField, "validation_llm_key")
            return ""
        }
        return key
    }
}
