/// Reads what an error message from a provider is about, for the providers that report errors
/// as text (Checko's `meta.message`, DaData's `message`, api-fns' `error`): quota, key, or a
/// company that does not exist. Russian and English wordings; quota is checked first because
/// "limit exceeded for key …" is about the quota, not the key.
enum ProviderMessage {
    static func isQuota(_ text: String) -> Bool {
        let text = text.lowercased()
        return ["лимит", "limit", "баланс", "balance", "исчерпан", "недостаточно", "quota", "квот", "disabled", "оплат"]
            .contains { text.contains($0) }
    }

    static func isKeyProblem(_ text: String) -> Bool {
        let text = text.lowercased()
        return ["ключ", "key", "токен", "token", "авториз", "unauthori", "forbidden"].contains { text.contains($0) }
    }

    static func isNotFound(_ text: String) -> Bool {
        let text = text.lowercased()
        return ["не найден", "not found", "нет данных", "отсутству"].contains { text.contains($0) }
    }
}
