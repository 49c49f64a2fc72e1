import Foundation

/// Why an enrichment or a discovery run failed or waits, as a stable code with named values
/// rather than a sentence. The workers store it in the same text column the reason always had
/// (`Client.enrichmentError`, `ProspectSearchRun.error`), and the web layer words it in the
/// visitor's language; a sentence written by a worker could only ever be shown in one.
///
/// The stored form is `problem:<code>?<name>=<value>&…` with every value percent-encoded and
/// the names sorted, e.g. `problem:quota_used_up?limit=5&used=5`. The prefix and the strict
/// grammar keep it from being confused with free text: reasons stored before this type existed
/// (and any other text) do not decode, and are shown as they are.
///
/// What a provider said (`detail`) stays in its own words: it is the provider's message, often
/// already Russian, and translating it would only lose what its support desk needs to see.
public struct ProspectProblem: Sendable, Hashable {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The tenant's monthly enrichment allowance is used up (`used`, `limit`).
        case quotaUsedUp = "quota_used_up"
        /// The client's INN is not a valid INN (`inn`).
        case invalidINN = "invalid_inn"
        /// Neither a company-data provider nor an LLM with web search is configured.
        case noSources = "no_sources"
        /// Every source refused (a key, a quota, a capability); `detail` is what they said.
        case sourcesRefused = "sources_refused"
        /// A source is down for now; the job retries (`detail`).
        case sourceUnavailable = "source_unavailable"
        /// A source stayed down through every attempt of the job (`detail`); a person may try
        /// again later.
        case sourceStillUnavailable = "source_still_unavailable"
        /// A source answered something that is not its documented format (`detail`).
        case unusableAnswer = "unusable_answer"
        /// A provider refused the request itself (`detail`); asking again will not help.
        case requestRefused = "request_refused"
        /// The OKVED reference table could not be loaded, so no search can be planned.
        case okvedTableMissing = "okved_table_missing"
        /// The search names no OKVED code the reference table knows.
        case unknownOKVEDCodes = "unknown_okved_codes"
        /// Discovery: no company-data provider is configured at all.
        case noDiscoveryProvider = "no_discovery_provider"
        /// Discovery: providers are configured (`configured`), but none searches by OKVED code.
        case noOKVEDSearchProvider = "no_okved_search_provider"
        /// Discovery: the provider stayed down through every attempt of the job (`detail`).
        case gaveUp = "gave_up"

        /// The values a stored problem of this code must carry: the sentences name them all.
        public var parameters: [String] {
            switch self {
            case .quotaUsedUp: [ProspectProblem.used, ProspectProblem.limit]
            case .invalidINN: [ProspectProblem.inn]
            case .sourcesRefused, .sourceUnavailable, .sourceStillUnavailable, .unusableAnswer, .requestRefused, .gaveUp: [ProspectProblem.detail]
            case .noOKVEDSearchProvider: [ProspectProblem.configured]
            case .noSources, .okvedTableMissing, .unknownOKVEDCodes, .noDiscoveryProvider: []
            }
        }
    }

    // The names of the values, as the stored form and the translations' `{name}` placeholders spell them.
    public static let used = "used"
    public static let limit = "limit"
    public static let inn = "inn"
    public static let detail = "detail"
    public static let configured = "configured"

    /// What every stored form starts with.
    public static let prefix = "problem:"
    /// The reason columns' length (`ClientRepository` and `ProspectSearchRun.maximumErrorLength`):
    /// `stored` never exceeds it, so a cut at the column can never split an escape and leave
    /// text that no longer decodes.
    public static let maximumStoredLength = 2_000

    public let code: Code
    public let values: [String: String]

    public init(_ code: Code, values: [String: String] = [:]) {
        self.code = code
        self.values = values
    }

    public subscript(name: String) -> String? { values[name] }

    // MARK: The reasons

    public static func quotaUsedUp(used: Int, limit: Int) -> ProspectProblem {
        ProspectProblem(.quotaUsedUp, values: [Self.used: String(used), Self.limit: String(limit)])
    }

    public static func invalidINN(_ inn: String) -> ProspectProblem {
        ProspectProblem(.invalidINN, values: [Self.inn: inn])
    }

    public static let noSources = ProspectProblem(.noSources)

    /// The sources' own messages, joined with "; " as the providers wrote them.
    public static func sourcesRefused(_ messages: [String]) -> ProspectProblem {
        ProspectProblem(.sourcesRefused, values: [Self.detail: messages.joined(separator: "; ")])
    }

    public static func sourceUnavailable(_ detail: String) -> ProspectProblem {
        ProspectProblem(.sourceUnavailable, values: [Self.detail: detail])
    }

    public static func sourceStillUnavailable(_ detail: String) -> ProspectProblem {
        ProspectProblem(.sourceStillUnavailable, values: [Self.detail: detail])
    }

    public static func unusableAnswer(_ detail: String) -> ProspectProblem {
        ProspectProblem(.unusableAnswer, values: [Self.detail: detail])
    }

    public static func requestRefused(_ detail: String) -> ProspectProblem {
        ProspectProblem(.requestRefused, values: [Self.detail: detail])
    }

    public static let okvedTableMissing = ProspectProblem(.okvedTableMissing)
    public static let unknownOKVEDCodes = ProspectProblem(.unknownOKVEDCodes)
    public static let noDiscoveryProvider = ProspectProblem(.noDiscoveryProvider)

    /// `configured`: the providers' names as stored (`dadata`), listed with ", ".
    public static func noOKVEDSearchProvider(configured: [String]) -> ProspectProblem {
        ProspectProblem(.noOKVEDSearchProvider, values: [Self.configured: configured.joined(separator: ", ")])
    }

    public static func gaveUp(_ detail: String) -> ProspectProblem {
        ProspectProblem(.gaveUp, values: [Self.detail: detail])
    }

    // MARK: Stored form

    /// `problem:<code>?<name>=<value>&…`, at most `maximumStoredLength` characters: a `detail`
    /// too long for the column is cut (ending in "…") before it is encoded, never after.
    public var stored: String {
        let whole = Self.encode(code, values)
        guard whole.count > Self.maximumStoredLength, let detail = values[Self.detail] else { return whole }
        // The longest prefix of the detail that still fits once encoded; escapes make the
        // encoded length uneven per character, hence the search rather than arithmetic.
        let characters = Array(detail)
        func cut(_ length: Int) -> String {
            var shorter = values
            shorter[Self.detail] = String(characters[..<length]) + "…"
            return Self.encode(code, shorter)
        }
        var low = 0, high = characters.count
        while low < high {
            let middle = (low + high + 1) / 2
            if cut(middle).count <= Self.maximumStoredLength {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return cut(low)
    }

    /// Reads a stored problem; nil for anything else (free text, an older row, an unknown code,
    /// a value missing or badly escaped), which callers show as it is.
    public init?(stored: String) {
        guard let (codeText, values) = StoredProblemText.decode(stored, prefix: Self.prefix),
              let code = Code(rawValue: codeText),
              code.parameters.allSatisfy({ values[$0] != nil }) else { return nil }
        self.init(code, values: values)
    }

    static func encode(_ code: Code, _ values: [String: String]) -> String {
        StoredProblemText.encode(prefix: prefix, code: code.rawValue, values: values)
    }

    // MARK: English

    /// The reason in English, for audit events and logs, which operators read whatever the
    /// tenant's language; the sentences are the ones the workers stored before this type.
    public var englishText: String {
        let detail = values[Self.detail] ?? ""
        switch code {
        case .quotaUsedUp:
            return "monthly enrichment quota used up (\(values[Self.used] ?? "?") of \(values[Self.limit] ?? "?"))"
        case .invalidINN:
            return "the client's INN \(values[Self.inn] ?? "") is not a valid INN"
        case .noSources:
            return "no company-data provider and no LLM with web search is configured"
        case .sourcesRefused:
            return "no source could be used: \(detail)"
        case .sourceUnavailable:
            return "a source is unavailable, will retry: \(detail)"
        case .sourceStillUnavailable:
            return "source unavailable, try again later: \(detail)"
        case .unusableAnswer:
            return "a source's answer could not be used: \(detail)"
        case .requestRefused:
            return "the provider refused the request: \(detail)"
        case .okvedTableMissing:
            return "the OKVED reference table could not be loaded"
        case .unknownOKVEDCodes:
            return "the search names no OKVED code the reference table knows"
        case .noDiscoveryProvider:
            return "no company-data provider is configured; discovery needs one that searches by OKVED code (Checko)"
        case .noOKVEDSearchProvider:
            return "none of the configured company-data providers (\(values[Self.configured] ?? "")) searches by OKVED code; add Checko"
        case .gaveUp:
            return "gave up after repeated attempts: \(detail)"
        }
    }
}
