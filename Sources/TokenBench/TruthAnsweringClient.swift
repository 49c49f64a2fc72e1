import LLM

/// Plays the model for the benchmark: reads the messages out of each prompt the engine built
/// and answers every one with its true category and a fixed reason of that category. Batched or
/// one call per message, the answers are the same, so the two runs differ only in how the
/// prompts are packed.
struct TruthAnsweringClient: LLMClient {
    /// The true category of each synthetic message, by subject (subjects are unique).
    let truthBySubject: [String: String]

    static let reasons = [
        "lead": "Новый клиент просит цену и коммерческое предложение.",
        "invoice": "Поставщик прислал счёт или акт на оплату.",
        "cv": "Кандидат откликается на вакансию и прислал резюме.",
        "complaint": "Клиент сообщает о браке, недопоставке или задержке.",
        "partnership": "Компания предлагает сотрудничество или дилерство.",
        "newsletter": "Рекламная рассылка или приглашение на вебинар.",
    ]

    func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let output = answer(toPrompt: request.user)
        return LLMResponse(provider: .openAI, model: "bench-fake", output: output,
                           usage: LLMUsage(inputTokens: TokenEstimate.tokens(in: request),
                                           outputTokens: TokenEstimate.tokens(in: output)))
    }

    /// The answer to one prompt's messages; the fake server answers with the same.
    func answer(toPrompt user: String) -> JSONValue {
        var results: [JSONValue] = []
        var key: String?
        for line in user.split(separator: "\n") {
            if line.hasPrefix("<m"), line.hasSuffix(">") {
                key = String(line.dropFirst().dropLast())
            } else if let current = key, line.hasPrefix("subject: ") {
                let category = truthBySubject[String(line.dropFirst("subject: ".count))] ?? "none"
                results.append(.object([
                    "key": .string(current),
                    "category": .string(category),
                    "confidence": .number(0.92),
                    "reason": .string(Self.reasons[category] ?? "Не подходит ни к одной категории."),
                ]))
                key = nil
            }
        }
        return .object(["results": .array(results)])
    }
}
