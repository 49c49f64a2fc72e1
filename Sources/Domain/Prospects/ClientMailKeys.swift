import Foundation

/// Mail domains anyone can get an address at. A sender there says nothing about the company
/// they work for, so a domain on this list never links a message to a client: only the exact
/// address of a contact does. The one list of them; add a provider here and nowhere else.
public enum PublicMailDomains {
    public static let all: Set<String> = [
        // Russian providers (Mail.ru Group's domains, Yandex's, Rambler's) and other local ones.
        "mail.ru", "bk.ru", "list.ru", "inbox.ru", "internet.ru", "mail.ua", "yandex.ru", "yandex.com", "yandex.by", "yandex.kz",
        "yandex.ua", "ya.ru", "narod.ru", "rambler.ru", "ro.ru", "lenta.ru", "autorambler.ru", "myrambler.ru", "qip.ru", "pochta.ru",
        "hotbox.ru", "e1.ru", "ngs.ru", "km.ru", "nm.ru", "ukr.net", "tut.by", "i.ua",
        // International ones.
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
        "yahoo.com", "ymail.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.net", "gmx.de", "web.de",
        "zoho.com", "mail.com", "tutanota.com", "fastmail.com", "hey.com",
    ]

    /// Whether `domain` (any letter case) is a public mail domain.
    public static func contains(_ domain: String) -> Bool {
        all.contains(domain.lowercased())
    }
}

/// What links an inbound message to a client: the exact addresses of the client's contacts,
/// and the company's own domains (its website's host and its contacts' e-mail domains, never a
/// public mail domain). A message matches when its sender's address is one of `addresses` or
/// its sender's domain is one of `domains`.
public struct ClientMailKeys: Sendable, Hashable {
    /// Lower-cased addresses, each once, in the order the card lists them.
    public let addresses: [String]
    /// Lower-cased domains without `www.`, each once; none of them public.
    public let domains: [String]

    /// At most this many keys of each kind: the card asks one indexed query per key.
    public static let maximumPerKind = 20

    public init(addresses: [String], domains: [String]) {
        self.addresses = addresses
        self.domains = domains
    }

    /// The keys of a client's record and enrichment contacts.
    public init(record: CompanyRecord, contacts: ClientContacts) {
        var emails = record.emails?.value ?? []
        emails += contacts.emails.map(\.value)
        emails += contacts.decisionMakers.compactMap(\.email)
        let addresses = emails.compactMap { Self.address($0) }.uniquedKeys()
        var domains = [record.website?.value, contacts.website?.value].compactMap { $0.flatMap(Self.websiteDomain) }
        domains += addresses.compactMap(Self.domain(ofAddress:))
        self.init(addresses: Array(addresses.prefix(Self.maximumPerKind)),
                  domains: Array(domains.filter { !PublicMailDomains.contains($0) }.uniquedKeys().prefix(Self.maximumPerKind)))
    }

    /// Every key as stored for lookups by sender: addresses contain `@`, domains do not.
    public var all: [String] { addresses + domains }

    public var isEmpty: Bool { addresses.isEmpty && domains.isEmpty }

    /// The addresses a domain does not cover already: those at public domains (and at domains
    /// beyond ``maximumPerKind``). The card looks messages up by these and by `domains`.
    public var addressesOutsideDomains: [String] {
        let covered = Set(domains)
        return addresses.filter { address in Self.domain(ofAddress: address).map { !covered.contains($0) } ?? true }
    }

    /// An address as compared: trimmed, lower-cased; nil unless it has a local part and a domain.
    public static func address(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard domain(ofAddress: text) != nil, let at = text.lastIndex(of: "@"), at != text.startIndex else { return nil }
        return text
    }

    /// The lower-cased part after the last `@`, without a trailing dot; nil when there is none
    /// or it is no host name (no dot, spaces).
    public static func domain(ofAddress address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        var domain = address[address.index(after: at)...].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        guard domain.contains("."), !domain.hasPrefix("."), !domain.contains(where: { $0 == " " || $0 == "@" || $0 == ">" }) else {
            return nil
        }
        return domain
    }

    /// The host of a website as typed or found (`https://www.acme.ru/about`, `acme.ru`), lower-cased,
    /// without `www.`; nil when there is no host name.
    public static func websiteDomain(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        if let end = text.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { text = String(text[..<end]) }
        if let userInfo = text.lastIndex(of: "@") { text = String(text[text.index(after: userInfo)...]) }
        if let port = text.lastIndex(of: ":") { text = String(text[..<port]) }
        if text.hasSuffix(".") { text.removeLast() }
        if text.hasPrefix("www.") { text.removeFirst(4) }
        guard text.contains("."), !text.hasPrefix("."), !text.contains(where: { $0 == " " }) else { return nil }
        return text
    }
}

private extension Array where Element == String {
    /// Each value once, first occurrence kept.
    func uniquedKeys() -> [String] {
        var seen = Set<String>()
        return filter { seen.insert($0).inserted }
    }
}
