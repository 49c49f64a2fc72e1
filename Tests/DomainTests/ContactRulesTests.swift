import Domain
import Foundation
import Testing

/// What enrichment keeps of the values it found: checked, normalised, and for web search only
/// with the page that states them.
@Suite struct ContactRulesTests {
    /// 2027-01-15.
    static let today = Date(timeIntervalSince1970: 1_800_000_000)
    static let page = "https://romashka-soft.ru/contacts"

    @Test func emailsAreCheckedAndLowerCased() {
        #expect(ContactRules.email("  INFO@Romashka-Soft.RU ") == "info@romashka-soft.ru")
        #expect(ContactRules.email("mailto:Sales@romashka-soft.ru") == "sales@romashka-soft.ru")
        #expect(ContactRules.email("not-an-email") == nil)
        #expect(ContactRules.email("info@romashka") == nil)
        #expect(ContactRules.email("info @romashka.ru") == nil)
        #expect(ContactRules.email("") == nil)
    }

    @Test func phonesBecomeE164() {
        #expect(ContactRules.phone("8 (495) 123-45-67 доб. 5") == "+74951234567")
        #expect(ContactRules.phone("12-34") == nil)
    }

    @Test func innsNeedTheirCheckDigits() {
        #expect(ContactRules.inn("7707083893") == "7707083893")
        #expect(ContactRules.inn("77 07 083893") == "7707083893")
        #expect(ContactRules.inn("770123456703") == "770123456703")
        #expect(ContactRules.inn("7707083894") == nil, "a wrong check digit")
        #expect(ContactRules.inn("123456789012") == nil)
        #expect(ContactRules.inn("1027700132195") == nil, "an OGRN is no INN")
        #expect(ContactRules.inn("ИНН 7707083893") == nil)
    }

    @Test func urlsMustBeHTTPWithAHost() {
        #expect(ContactRules.url(" https://romashka-soft.ru/contacts ") == "https://romashka-soft.ru/contacts")
        #expect(ContactRules.url("http://www.romashka-soft.ru") == "http://www.romashka-soft.ru")
        #expect(ContactRules.url("ftp://romashka-soft.ru/price.xls") == nil)
        #expect(ContactRules.url("mailto:info@romashka-soft.ru") == nil)
        #expect(ContactRules.url("javascript:alert(1)") == nil)
        #expect(ContactRules.url("/contacts") == nil)
        #expect(ContactRules.url("romashka-soft.ru") == nil, "a bare domain is no source page")
        #expect(ContactRules.url("https://") == nil)
        #expect(ContactRules.url("https://localhost/contacts") == nil)
        #expect(ContactRules.url("http://127.0.0.1/contacts") == nil)
        #expect(ContactRules.url("https://romashka soft.ru") == nil)
        #expect(ContactRules.url("") == nil)
    }

    @Test func aWebsiteMayBeABareDomain() {
        #expect(ContactRules.website("romashka-soft.ru") == "https://romashka-soft.ru")
        #expect(ContactRules.website("www.romashka-soft.ru/") == "https://www.romashka-soft.ru/")
        #expect(ContactRules.website("http://romashka-soft.ru") == "http://romashka-soft.ru")
        #expect(ContactRules.website("ftp://romashka-soft.ru") == nil)
        #expect(ContactRules.website("нет сайта") == nil)
        #expect(ContactRules.website("mailto:info@romashka-soft.ru") == nil)
    }

    @Test func birthDatesMustBeThoseOfAGrownUp() {
        #expect(ContactRules.birthDate("1980-05-17", today: Self.today)?.iso == "1980-05-17")
        #expect(ContactRules.birthDate("17.05.1980", today: Self.today)?.iso == "1980-05-17")
        #expect(ContactRules.birthDate("2020-01-01", today: Self.today) == nil)
        #expect(ContactRules.birthDate("1850-01-01", today: Self.today) == nil)
        #expect(ContactRules.birthDate("1980-02-30", today: Self.today) == nil)
    }

    @Test func webSearchValuesWithoutAValidSourcePageAreDropped() throws {
        let found = Date(timeIntervalSince1970: 1_799_999_000)
        let contacts = ClientContacts(
            website: Sourced("romashka-soft.ru", source: .webSearch, fetchedAt: found, url: Self.page),
            emails: [
                Sourced("INFO@romashka-soft.ru", source: .webSearch, fetchedAt: found, url: Self.page),
                Sourced("sales@romashka-soft.ru", source: .webSearch, fetchedAt: found, url: nil),
                Sourced("hr@romashka-soft.ru", source: .webSearch, fetchedAt: found, url: "romashka-soft.ru/jobs"),
                Sourced("not-an-email", source: .webSearch, fetchedAt: found, url: Self.page),
                Sourced("info@romashka-soft.ru", source: .webSearch, fetchedAt: found, url: "https://romashka-soft.ru/about"),
            ],
            phones: [
                Sourced("8 (495) 123-45-67 доб. 1", source: .webSearch, fetchedAt: found, url: Self.page),
                Sourced("+7 495 765-43-21", source: .webSearch, fetchedAt: found, url: "ftp://romashka-soft.ru"),
                Sourced("12-34", source: .webSearch, fetchedAt: found, url: Self.page),
            ],
            decisionMakers: [
                DecisionMaker(fullName: "  Петрова   Анна Сергеевна ", position: " Генеральный  директор ", inn: "770123456703",
                              birthDate: CalendarDay("1980-05-17"), email: "A.Petrova@romashka-soft.ru", phone: "+7 (916) 000-00-02",
                              source: .webSearch, sourceURL: "https://romashka-soft.ru/team", fetchedAt: found),
                DecisionMaker(fullName: "Иванов Иван", position: nil, inn: "123456789012", email: "ivanov@", phone: "12",
                              source: .webSearch, sourceURL: "https://romashka-soft.ru/team", fetchedAt: found),
                DecisionMaker(fullName: "Сидоров Пётр", source: .webSearch, sourceURL: nil, fetchedAt: found),
                DecisionMaker(fullName: "   ", source: .webSearch, sourceURL: Self.page, fetchedAt: found),
                DecisionMaker(fullName: "ПЕТРОВА АННА СЕРГЕЕВНА", source: .webSearch, sourceURL: Self.page, fetchedAt: found),
            ])

        let verified = ContactRules.verified(contacts, today: Self.today)
        #expect(verified.website?.value == "https://romashka-soft.ru")
        #expect(verified.website?.url == Self.page)
        #expect(verified.emails.map(\.value) == ["info@romashka-soft.ru"], "lower-cased, the repeat and the unsourced dropped")
        #expect(verified.emails.first?.url == Self.page)
        #expect(verified.emails.first?.fetchedAt == found)
        #expect(verified.phones.map(\.value) == ["+74951234567"])
        #expect(verified.phones.allSatisfy { $0.source == .webSearch && $0.url == Self.page })

        #expect(verified.decisionMakers.map(\.fullName) == ["Петрова Анна Сергеевна", "Иванов Иван"])
        let petrova = try #require(verified.decisionMakers.first)
        #expect(petrova.position == "Генеральный директор")
        #expect(petrova.inn == "770123456703")
        #expect(petrova.birthDate?.iso == "1980-05-17")
        #expect(petrova.email == "a.petrova@romashka-soft.ru")
        #expect(petrova.phone == "+79160000002")
        #expect(petrova.sourceURL == "https://romashka-soft.ru/team")
        let ivanov = try #require(verified.decisionMakers.last)
        #expect(ivanov.inn == nil && ivanov.email == nil && ivanov.phone == nil, "wrong fields go, the person stays")
        #expect(verified.hasVerifiedContact)
    }

    @Test func registryValuesNeedNoPage() {
        let fetched = Date(timeIntervalSince1970: 1_799_999_000)
        let contacts = ClientContacts(
            website: Sourced("romashka-soft.ru", source: .checko, fetchedAt: fetched),
            emails: [Sourced("Info@Romashka-Soft.ru", source: .daData, fetchedAt: fetched), Sourced("info@romashka-soft.ru", source: .checko, fetchedAt: fetched)],
            phones: [Sourced("+7 495 123-45-67", source: .daData, fetchedAt: fetched), Sourced("8 (495) 123-45-67", source: .checko, fetchedAt: fetched)],
            decisionMakers: [DecisionMaker(fullName: "Петрова Анна Сергеевна", position: "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", inn: "770123456703",
                                           source: .daData, fetchedAt: fetched)])
        let verified = ContactRules.verified(contacts, today: Self.today)
        #expect(verified.website?.value == "https://romashka-soft.ru")
        #expect(verified.website?.source == .checko)
        #expect(verified.emails.map(\.value) == ["info@romashka-soft.ru"])
        #expect(verified.emails.first?.source == .daData, "the first provider's copy is kept")
        #expect(verified.phones.map(\.value) == ["+74951234567"])
        #expect(verified.decisionMakers.count == 1)
        #expect(verified.decisionMakers.first?.sourceURL == nil)
    }

    @Test func nothingUsableIsNoVerifiedContact() {
        let found = Date(timeIntervalSince1970: 1_799_999_000)
        let contacts = ClientContacts(
            website: Sourced("https://romashka-soft.ru", source: .webSearch, fetchedAt: found, url: Self.page),
            emails: [Sourced("sales@romashka-soft.ru", source: .webSearch, fetchedAt: found)],
            phones: [Sourced("телефон", source: .daData, fetchedAt: found)])
        let verified = ContactRules.verified(contacts, today: Self.today)
        #expect(verified.website != nil)
        #expect(verified.emails.isEmpty && verified.phones.isEmpty && verified.decisionMakers.isEmpty)
        #expect(!verified.hasVerifiedContact, "a website alone is not a contact")
    }
}
