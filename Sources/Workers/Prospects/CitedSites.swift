import Domain
import Foundation
import LLM

/// The sites a web search really visited: the hosts of the response's citations and search
/// results (`LLMResponse.citations`), compared case-insensitively and without a leading `www.`.
///
/// The model writes each value's `source_url` itself, and a well-formed address it made up
/// looks exactly like one it read. A value is kept only when its page is on a site the provider
/// reports having searched; a response that cites nothing leaves nothing to check against, so
/// every web-search value of it is dropped.
struct CitedSites: Sendable, Hashable {
    let hosts: Set<String>

    init(_ citations: [LLMCitation]) {
        hosts = Set(citations.compactMap { Self.host(of: $0.url) })
    }

    var isEmpty: Bool { hosts.isEmpty }

    /// Whether `url` is on one of the cited sites.
    func cites(_ url: String?) -> Bool {
        guard let url, let host = Self.host(of: url) else { return false }
        return hosts.contains(host)
    }

    /// `contacts` without the values whose page is not on a cited site, and how many went.
    func keeping(_ contacts: ClientContacts) -> (contacts: ClientContacts, dropped: Int) {
        var kept = ClientContacts()
        kept.website = contacts.website.flatMap { cites($0.url) ? $0 : nil }
        kept.emails = contacts.emails.filter { cites($0.url) }
        kept.phones = contacts.phones.filter { cites($0.url) }
        kept.decisionMakers = contacts.decisionMakers.filter { cites($0.sourceURL) }
        return (kept, Self.count(contacts) - Self.count(kept))
    }

    /// `www.Example.ru.` → `example.ru`; nil when `url` has no host.
    static func host(of url: String) -> String? {
        guard var host = URLComponents(string: url.trimmingCharacters(in: .whitespacesAndNewlines))?.host?.lowercased() else { return nil }
        if host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        return host.isEmpty ? nil : host
    }

    static func count(_ contacts: ClientContacts) -> Int {
        (contacts.website == nil ? 0 : 1) + contacts.emails.count + contacts.phones.count + contacts.decisionMakers.count
    }
}
