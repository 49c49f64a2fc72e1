import Domain
import Foundation

/// The add and edit forms of an LLM provider as typed, so a page shown again (with errors, or
/// with the answer of "Test") holds exactly what was entered. The key is not here: it is read
/// from the post when needed and never put back into a page.
struct LLMProviderForm {
    var provider = LLMProvider.openAI.rawValue
    var model = LLMProvider.openAI.defaultModel
    var baseURL = ""
    var isEnabled = true

    /// The form field the key travels in; the audit trail masks it by this name.
    static let keyField = "api_key"

    init() {}

    /// A new provider of this kind, with its suggested model.
    init(provider: LLMProvider) {
        self.provider = provider.rawValue
        model = provider.defaultModel
    }

    /// A stored provider's settings, for its edit form.
    init(_ stored: TenantLLMProvider) {
        provider = stored.provider.rawValue
        model = stored.model
        baseURL = stored.baseURL ?? ""
        isEnabled = stored.isEnabled
    }

    /// A posted form over `base`. A post without the form's fields (the list's "Test" button)
    /// leaves `base` as it is; a post of the form reads the checkbox's absence as "off".
    init(_ input: FormData, base: LLMProviderForm) {
        self = base
        guard input.has("provider") else { return }
        provider = input["provider"]
        model = input["model"]
        baseURL = input["base_url"]
        isEnabled = input.has("is_enabled")
    }

    /// The provider these fields describe, or every field that is wrong (by form field name).
    /// A blank model is the provider's suggested one.
    func draft() -> Result<TenantLLMProviderDraft, FieldErrors> {
        var errors = FieldErrors()
        guard let kind = LLMProvider(rawValue: provider) else {
            errors.add("provider", "validation_choice")
            return .failure(errors)
        }
        let typedModel = model.trimmingCharacters(in: .whitespacesAndNewlines)
        let draft = TenantLLMProviderDraft(provider: kind, model: typedModel.isEmpty ? kind.defaultModel : typedModel,
                                           baseURL: baseURL, isEnabled: isEnabled)
        do {
            return .success(try draft.validated())
        } catch {
            for (field, key) in (error as? FieldErrors)?.messages ?? [:] { errors.add(field, key) }
            return .failure(errors)
        }
    }

    /// The typed key, trimmed (empty when none was typed), or a field error for one that
    /// cannot be a key.
    static func key(_ input: FormData, into errors: inout FieldErrors) -> String {
        let typed = input[keyField]
        guard let key = TenantLLMProviderDraft.normalisedKey(typed) else {
            errors.add(keyField, "validation_llm_key")
            return ""
        }
        return key
    }
}
