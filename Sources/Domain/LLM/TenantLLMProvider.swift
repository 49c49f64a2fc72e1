import Foundation

/// The LLM services a tenant can bring its own key for. The raw values are the `LLM` module's
/// provider kinds (Domain imports no other module; Workers maps one onto the other).
public enum LLMProvider: String, Sendable, CaseIterable, Codable {
    case openAI = "openai"
    case anthropic
    case deepSeek = "deepseek"

    /// What the form suggests: a current model that classifies mail well for little money.
    /// Model ids change often, so the tenant may type any other.
    public var defaultModel: String {
        switch self {
        case .openAI: "gpt-4.1-mini"
        case .anthropic: "claude-sonnet-4-5"
        case .deepSeek: "deepseek-chat"
        }
    }
}

/// One of the tenant's own LLM providers as pages see it. The key is not here: only its last
/// characters (`keyHint`), kept when it was saved, so showing the list never opens a key.
public struct TenantLLMProvider: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID
    public let provider: LLMProvider
    public let model: String
    /// `nil`: the provider's public API.
    public let baseURL: String?
    /// The key's last four characters, or empty for a key too short to show any of it.
    public let keyHint: String
    /// 0 first: the order in which providers are asked (the next one answers when one fails).
    public let position: Int
    public let isEnabled: Bool
    public let updatedAt: Date

    public init(
        id: UUID, companyID: UUID, provider: LLMProvider, model: String, baseURL: String?, keyHint: String, position: Int,
        isEnabled: Bool, updatedAt: Date
    ) {
        self.id = id
        self.companyID = companyID
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.keyHint = keyHint
        self.position = position
        self.isEnabled = isEnabled
        self.updatedAt = updatedAt
    }
}

/// What the add and edit forms produce: everything but the key, which travels beside it
/// straight into the sealed column.
public struct TenantLLMProviderDraft: Sendable, Equatable {
    public var provider: LLMProvider
    public var model: String
    /// `nil` or empty: the provider's public API.
    public var baseURL: String?
    public var isEnabled: Bool

    public init(provider: LLMProvider, model: String, baseURL: String? = nil, isEnabled: Bool = true) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.isEnabled = isEnabled
    }

    public static let maximumModelLength = 100
    public static let maximumBaseURLLength = 500
    public static let maximumKeyLength = 1_000
    /// Hosts that are this machine: plain `http` is accepted for them only (a local proxy, or a
    /// test's fake provider), because there the key never crosses a network.
    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    /// Checks the draft and names every field that is wrong (form field names: `model`,
    /// `base_url`). Returns it with the model trimmed and the base URL without trailing slashes
    /// (or `nil` when none was given).
    public func validated() throws -> TenantLLMProviderDraft {
        var errors = FieldErrors()
        var draft = self
        let trimmedModel = model.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedModel.isEmpty {
            errors.add("model", "validation_required")
        } else if trimmedModel.count > Self.maximumModelLength
                    || trimmedModel.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            errors.add("model", "validation_llm_model")
        }
        draft.model = trimmedModel
        let typedURL = (baseURL ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if typedURL.isEmpty {
            draft.baseURL = nil
        } else if let normalised = Self.normalisedBaseURL(typedURL) {
            draft.baseURL = normalised
        } else {
            errors.add("base_url", "validation_llm_base_url")
        }
        try errors.throwIfAny()
        return draft
    }

    /// An `https` URL without credentials, query or fragment, trailing slashes removed; plain
    /// `http` only for this machine. `nil` for anything else.
    public static func normalisedBaseURL(_ raw: String) -> String? {
        guard raw.count <= maximumBaseURLLength,
              !raw.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }),
              let components = URLComponents(string: raw),
              let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty,
              components.user == nil, components.password == nil, components.query == nil, components.fragment == nil
        else { return nil }
        guard scheme == "https" || (scheme == "http" && loopbackHosts.contains(host)) else { return nil }
        var text = raw
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The key as it will be stored: trimmed; `nil` when it has spaces or control characters
    /// inside or is longer than any provider's key (a paste gone wrong).
    public static func normalisedKey(_ typed: String) -> String? {
        let key = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard key.count <= maximumKeyLength,
              !key.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            return nil
        }
        return key
    }

    /// What pages may show of a key: its last four characters, and only when the key is long
    /// enough that they give nothing away.
    public static func keyHint(for key: String) -> String {
        key.count >= 12 ? String(key.suffix(4)) : ""
    }
}

/// A tenant provider with its key in plain text, for the calls made with it. Hand the key to
/// the provider's adapter and nowhere else; printing the value never shows it.
public struct LLMProviderCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let provider: LLMProvider
    public let model: String
    public let baseURL: String?
    public let apiKey: String

    public init(provider: LLMProvider, model: String, baseURL: String?, apiKey: String) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    public var description: String { "LLMProviderCredentials(provider: \(provider.rawValue), model: \(model), apiKey: ***)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["provider": provider, "model": model, "baseURL": baseURL as Any], displayStyle: .struct)
    }
}
