import Domain
import Testing

/// The stored form of an enrichment or discovery problem: it must come back exactly as it went
/// in, whatever a provider wrote, and nothing that is not one may be read as one (older rows
/// hold plain English sentences and are shown as they are).
@Suite struct ProspectProblemTests {
    @Test func theStoredFormIsStableAndReadable() {
        let quota = ProspectProblem.quotaUsedUp(used: 5, limit: 5)
        #expect(quota.stored == "problem:quota_used_up?limit=5&used=5")
        #expect(ProspectProblem.noSources.stored == "problem:no_sources")
        #expect(ProspectProblem(stored: "problem:quota_used_up?limit=5&used=5") == quota)
        #expect(ProspectProblem(stored: "problem:no_sources") == .noSources)
    }

    @Test(arguments: [
        ProspectProblem.quotaUsedUp(used: 1_000, limit: 1_000),
        .invalidINN("7707083893"),
        .noSources,
        .sourcesRefused(["dadata: quota exhausted: Лимит запросов исчерпан", "checko: the API key was refused: key=abc&x=1"]),
        .sourceUnavailable("dadata: temporary failure (HTTP 503): 50% of nodes down?"),
        .unusableAnswer("web search (openai): the answer is not in the requested format: {\"emails\": \"a=b&c\"} + 100%"),
        .requestRefused("checko: the request was refused (HTTP 400): okved=62.01&region=77"),
        .okvedTableMissing,
        .unknownOKVEDCodes,
        .noDiscoveryProvider,
        .noOKVEDSearchProvider(configured: ["dadata", "api_fns"]),
        .gaveUp("checko: unreachable: соединение разорвано\nпосле 30 с; problem:gave_up?detail=x"),
        ProspectProblem(.invalidINN, values: [ProspectProblem.inn: ""]),
    ])
    func everyProblemComesBackAsItWent(_ problem: ProspectProblem) throws {
        let stored = problem.stored
        #expect(stored.hasPrefix(ProspectProblem.prefix))
        // Nothing a value holds may read as the grammar's own marks.
        let query = stored.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        #expect(query.split(separator: "&").count == problem.values.count, "\(stored)")
        #expect(stored.unicodeScalars.allSatisfy { $0.isASCII && !$0.properties.isWhitespace }, "\(stored)")
        let decoded = try #require(ProspectProblem(stored: stored), "\(stored)")
        #expect(decoded == problem)
        #expect(decoded.stored == stored)
    }

    @Test func theProvidersOwnWordsKeepTheirMarksAndLetters() throws {
        let detail = "dadata: quota exhausted: «Лимит» исчерпан; a=1&b=2 ?%"
        let decoded = try #require(ProspectProblem(stored: ProspectProblem.sourcesRefused([detail]).stored))
        #expect(decoded.code == .sourcesRefused)
        #expect(decoded[ProspectProblem.detail] == detail)
    }

    @Test(arguments: [
        "",
        "monthly enrichment quota used up (1 of 1)",
        "dadata: quota exhausted: лимит",
        "нет ключа DaData",
        "problem:",
        "problem:no_such_code",
        "problem: quota_used_up?limit=5&used=5",
        "Problem:quota_used_up?limit=5&used=5",
        "problem:quota_used_up",
        "problem:quota_used_up?used=5",
        "problem:quota_used_up?limit=5&used=5&used=6",
        "problem:quota_used_up?limit=5&used",
        "problem:quota_used_up?limit=5&&used=5",
        "problem:quota_used_up?limit=5&used=5 of 5",
        "problem:quota_used_up?limit=5&used=%ZZ",
        "problem:quota_used_up?limit=5&used=5%",
        "problem:gave_up?detail=лимит",
        "problem:gave_up?Detail=x",
    ])
    func freeTextAndBrokenFormsDoNotDecode(_ text: String) {
        #expect(ProspectProblem(stored: text) == nil, "\(text)")
    }

    @Test func aDetailTooLongForTheColumnIsCutBeforeItIsEncoded() throws {
        let detail = String(repeating: "Провайдер ответил ошибкой & ", count: 200)
        let stored = ProspectProblem.gaveUp(detail).stored
        #expect(stored.count <= ProspectProblem.maximumStoredLength)
        #expect(stored.count > ProspectProblem.maximumStoredLength - 20, "as much of the detail as fits: \(stored.count)")
        let decoded = try #require(ProspectProblem(stored: stored), "a cut form still decodes")
        let cut = try #require(decoded[ProspectProblem.detail])
        #expect(cut.hasSuffix("…"))
        #expect(detail.hasPrefix(String(cut.dropLast())))
    }

    @Test func theEnglishTextIsTheSentenceTheLogsAlwaysHad() {
        #expect(ProspectProblem.quotaUsedUp(used: 1, limit: 1).englishText == "monthly enrichment quota used up (1 of 1)")
        #expect(ProspectProblem.gaveUp("checko: unreachable: x").englishText == "gave up after repeated attempts: checko: unreachable: x")
        #expect(ProspectProblem.noOKVEDSearchProvider(configured: ["dadata"]).englishText
            == "none of the configured company-data providers (dadata) searches by OKVED code; add Checko")
    }
}
