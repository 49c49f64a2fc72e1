import Domain
import Foundation
import Testing

@Suite struct LLMProviderDraftTests {
    @Test func baseURLsAreHTTPSExceptOnThisMachine() {
        #expect(TenantLLMProviderDraft.normalisedBaseURL("https://api.openai.com/v1/") == "https://api.openai.com/v1")
        #expect(TenantLLMProviderDraft.normalisedBaseURL("https://proxy.romashka.ru:8443/openai/v1") == "https://proxy.romashka.ru:8443/openai/v1")
        #expect(TenantLLMProviderDraft.normalisedBaseURL("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1")
        #expect(TenantLLMProviderDraft.normalisedBaseURL("http://localhost:9/v1") == "http://localhost:9/v1")
        for refused in [
            "http://api.openai.com/v1", "http://127.0.0.1.evil.example/v1", "ftp://proxy.romashka.ru", "api.openai.com/v1",
            "https://user:secret@proxy.romashka.ru/v1", "https://proxy.romashka.ru/v1?key=x", "https://proxy.romashka.ru/v1#x",
            "https://proxy romashka.ru/v1", "https:///v1",
        ] {
            #expect(TenantLLMProviderDraft.normalisedBaseURL(refused) == nil, "\(refused)")
        }
    }

    @Test func aDraftNamesEveryWrongField() throws {
        let valid = try TenantLLMProviderDraft(provider: .anthropic, model: " claude-sonnet-4-5 ", baseURL: "  ").validated()
        #expect(valid == TenantLLMProviderDraft(provider: .anthropic, model: "claude-sonnet-4-5", baseURL: nil))
        #expect(throws: FieldErrors(["model": "validation_required"])) {
            try TenantLLMProviderDraft(provider: .openAI, model: "  ").validated()
        }
        #expect(throws: FieldErrors(["model": "validation_llm_model", "base_url": "validation_llm_base_url"])) {
            try TenantLLMProviderDraft(provider: .openAI, model: "gpt 4", baseURL: "http://api.example.ru/v1").validated()
        }
        #expect(LLMProvider.allCases.map(\.defaultModel) == ["gpt-4.1-mini", "claude-sonnet-4-5", "deepseek-chat"])
    }

    @Test func keysAreTrimmedAndOnlyTheirLastCharactersShown() {
        #expect(TenantLLMProviderDraft.normalisedKey("  sk-abc123\n") == "sk-abc123")
        #expect(TenantLLMProviderDraft.normalisedKey("") == "")
        #expect(TenantLLMProviderDraft.normalisedKey("sk-abc 123") == nil)
        #expect(TenantLLMProviderDraft.normalisedKey(String(repeating: "x", count: 1_001)) == nil)
        #expect(TenantLLMProviderDraft.keyHint(for: "sk-proj-0123456789WXYZ") == "WXYZ")
        #expect(TenantLLMProviderDraft.keyHint(for: "short-key") == "", "a short key would give too much away")
        let credentials = LLMProviderCredentials(provider: .openAI, model: "gpt-4.1-mini", baseURL: nil, apiKey: "sk-proj-0123456789WXYZ")
        #expect(!"\(credentials)".contains("0123456789") && !String(reflecting: credentials).contains("0123456789"))
    }

    @Test func onlyOwnersAndAdminsManageLLMKeys() {
        #expect(AccessPolicy.allows(.owner, .manageLLMProviders))
        #expect(AccessPolicy.allows(.admin, .manageLLMProviders))
        #expect(!AccessPolicy.allows(.manager, .manageLLMProviders))
        #expect(!AccessPolicy.allows(.viewer, .manageLLMProviders))
        #expect(!AccessPolicy.allows(TenantScope.platform(userID: UUID()), .manageLLMProviders))
    }
}
