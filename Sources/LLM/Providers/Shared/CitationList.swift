/// Sources gathered while reading a web-search answer, each URL once, in the order first seen.
struct CitationList {
    private(set) var citations: [LLMCitation] = []
    private var seen: Set<String> = []

    mutating func add(url: String?, title: String?) {
        guard let url, !url.isEmpty, seen.insert(url).inserted else { return }
        let cleanTitle = title.flatMap { $0.isEmpty ? nil : $0 }
        citations.append(LLMCitation(url: url, title: cleanTitle))
    }
}
