import Foundation

/// The checks every value enrichment found must pass before it is stored, whoever found it: a
/// registry (DaData, Checko) or the LLM's web search. A value that fails is dropped, never
/// "repaired" into something nobody wrote: a contact list that is short and right is worth
/// more to a salesperson than a long one with invented addresses.
///
/// - e-mails: `EmailAddress` syntax, stored lower-cased;
/// - phones: E.164 by `PhoneNumber` (Russian layouts, extensions cut off);
/// - INNs: the check digits (`RussianCompanyNumber`), 10 or 12 digits;
/// - URLs (websites, source pages): `http` or `https` with a host; a website written as a bare
///   domain (`romashka.ru`, as registries store it) gets `https://`;
/// - a web-search value without a valid source URL is dropped: the page it came from is the
///   only evidence the model did not make it up. Registry values carry their provider as the
///   source and need no URL.
public enum ContactRules {
    /// Lower-cased, or nil when it is not an e-mail address.
    public static func email(_ text: String) -> String? {
        EmailAddress(text.trimmingCharacters(in: .whitespacesAndNewlines).removingMailtoScheme)?.value
    }

    /// E.164, or nil.
    public static func phone(_ text: String) -> String? {
        PhoneNumber(text)?.e164
    }

    /// The digits of a valid INN (10 digits for an organisation, 12 for a person or sole
    /// proprietor), or nil.
    public static func inn(_ text: String) -> String? {
        guard case .success(let number) = RussianCompanyNumber.parse(text), number.kind.isTaxpayerNumber else { return nil }
        return number.digits
    }

    /// An absolute `http`/`https` URL with a host, trimmed; nil for anything else (relative
    /// paths, `mailto:`, `javascript:`, `ftp:`, text with spaces).
    public static func url(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= maximumURLLength, !trimmed.contains(where: \.isWhitespace),
              let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, isHostName(host) else { return nil }
        return trimmed
    }

    /// A company's website: a URL as `url` accepts it, or a bare domain (`romashka.ru`,
    /// `www.romashka.ru/`) with `https://` put in front.
    public static func website(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let absolute = url(trimmed) { return absolute }
        // Only a bare host (and path): `mailto:info@romashka.ru` must not become a URL with a user.
        guard !trimmed.contains(":"), !trimmed.contains("@"), !trimmed.hasPrefix("/") else { return nil }
        return url("https://" + trimmed)
    }

    /// A person's name as one line: whitespace collapsed; nil when blank or too long to be a
    /// name (a paragraph the model put in the wrong field).
    public static func personName(_ text: String) -> String? {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !line.isEmpty, line.count <= maximumNameLength, line.contains(where: \.isLetter) else { return nil }
        return line
    }

    /// A birth date (`1980-05-17` or `17.05.1980`) of someone who could run a company on `today`:
    /// between 14 and 120 years old.
    public static func birthDate(_ text: String, today: Date) -> CalendarDay? {
        guard let day = CalendarDay(text) else { return nil }
        let now = CalendarDay(date: today, timeZone: TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!)
        guard day.year >= now.year - 120, day.year <= now.year - 14 else { return nil }
        return day
    }

    // MARK: Whole contact lists

    /// `contacts` with every value checked and normalised as above, repeats (after
    /// normalisation) and unsourced web-search values dropped. A decision maker without a
    /// usable name or, from web search, without a source page is dropped; one with a wrong INN,
    /// e-mail, phone or birth date keeps the rest and loses only that field.
    public static func verified(_ contacts: ClientContacts, today: Date) -> ClientContacts {
        var result = ClientContacts()
        if let found = contacts.website, let value = website(found.value), let checked = sourced(found, value: value) {
            result.website = checked
        }
        result.emails = unique(contacts.emails.compactMap { candidate in email(candidate.value).flatMap { sourced(candidate, value: $0) } })
        result.phones = unique(contacts.phones.compactMap { candidate in phone(candidate.value).flatMap { sourced(candidate, value: $0) } })
        var names = Set<String>()
        result.decisionMakers = contacts.decisionMakers.compactMap { person -> DecisionMaker? in
            guard let checked = decisionMaker(person, today: today), names.insert(checked.fullName.lowercased()).inserted else { return nil }
            return checked
        }
        return result
    }

    /// One person with each field checked; nil without a name, or from web search without a
    /// source page.
    public static func decisionMaker(_ person: DecisionMaker, today: Date) -> DecisionMaker? {
        guard let name = personName(person.fullName) else { return nil }
        let sourceURL = person.sourceURL.flatMap(url)
        if person.source == .webSearch, sourceURL == nil { return nil }
        var checked = person
        checked.fullName = name
        checked.position = person.position.flatMap { text in
            let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return line.isEmpty ? nil : String(line.prefix(maximumNameLength))
        }
        checked.inn = person.inn.flatMap(inn)
        checked.birthDate = person.birthDate.flatMap { day in birthDate(day.iso, today: today) }
        checked.email = person.email.flatMap(email)
        checked.phone = person.phone.flatMap(phone)
        checked.sourceURL = sourceURL
        return checked
    }

    /// The value with its source kept; nil when it comes from web search without a valid page.
    private static func sourced(_ original: Sourced<String>, value: String) -> Sourced<String>? {
        let page = original.url.flatMap(url)
        if original.source == .webSearch, page == nil { return nil }
        return Sourced(value, source: original.source, fetchedAt: original.fetchedAt, url: page, enteredBy: original.enteredBy)
    }

    /// The first of each value, in order.
    private static func unique(_ values: [Sourced<String>]) -> [Sourced<String>] {
        var seen = Set<String>()
        return values.filter { seen.insert($0.value).inserted }
    }

    /// Letters, digits and hyphens in dot-separated labels, at least two of them: `romashka.ru`,
    /// `xn--80ak6aa92e.xn--p1ai`. Not `localhost` or an IP address: a company's page is on a
    /// public domain name.
    private static func isHostName(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-") && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        } && labels.last?.allSatisfy(\.isNumber) == false
    }

    static let maximumURLLength = 2_048
    static let maximumNameLength = 200
}

extension String {
    /// `mailto:info@romashka.ru` → `info@romashka.ru`: pages link addresses that way and models
    /// copy the link.
    fileprivate var removingMailtoScheme: String {
        lowercased().hasPrefix("mailto:") ? String(dropFirst("mailto:".count)) : self
    }
}
