import Domain
import Foundation
import HummingbirdTesting
import Storage
@testable import Web

/// Clients, enrichments and colleagues for the client pages' tests, made through the
/// repositories the way discovery imports and the enrichment job make them.
enum ClientFixtures {
    /// Sberbank's INN: a real, valid one.
    static let sberbankINN = "7707083893"
    /// The same with its check digit mistyped.
    static let mistypedINN = "7707083890"
    /// The kind of `clients.enrich` jobs the enrich buttons queue.
    static let enrichJobKind = "clients.enrich"

    /// A valid INN of an organisation: `77` and `seed` as the next seven digits, then the check
    /// digit, so tests can make as many distinct clients as they need.
    static func inn(_ seed: Int) -> String {
        let body = "77" + String(format: "%07d", seed % 10_000_000)
        let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        let sum = zip(body.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(sum % 11 % 10)
    }

    /// A registry record as DaData would fill it; every field dated `fetchedAt`.
    static func record(inn: String, name: String, region: String? = nil, okved: String? = nil, revenue: Int64? = nil, headcount: Int? = nil,
                       fetchedAt: Date = Date()) -> CompanyRecord {
        var record = CompanyRecord(inn: inn)
        record.shortName = Sourced(name, source: .daData, fetchedAt: fetchedAt)
        record.fullName = Sourced("Общество с ограниченной ответственностью \(name)", source: .daData, fetchedAt: fetchedAt)
        record.status = Sourced(.active, source: .daData, fetchedAt: fetchedAt)
        record.regionCode = region.map { Sourced($0, source: .daData, fetchedAt: fetchedAt) }
        record.mainOKVED = okved.map { Sourced(OKVEDActivity(code: $0), source: .daData, fetchedAt: fetchedAt) }
        record.revenue = revenue.map { Sourced(CompanyRevenue(year: 2024, roubles: $0), source: .checko, fetchedAt: fetchedAt) }
        record.headcount = headcount.map { Sourced($0, source: .checko, fetchedAt: fetchedAt) }
        return record
    }

    /// A client as a discovery import adds it: not enriched, nothing queued.
    @discardableResult
    static func client(_ app: TestApp, _ member: TenantMember, name: String, inn: String, region: String? = nil, okved: String? = nil,
                       revenue: Int64? = nil, headcount: Int? = nil) async throws -> Client {
        try await app.services.clients.create(
            member, record: record(inn: inn, name: name, region: region, okved: okved, revenue: revenue, headcount: headcount), origin: .search)
    }

    /// What web search finds for a client: a website, an e-mail, a phone and a decision maker,
    /// each with the page it was found on.
    static func contacts(fetchedAt: Date = Date()) -> ClientContacts {
        ClientContacts(
            website: Sourced("romashka-soft.ru", source: .webSearch, fetchedAt: fetchedAt, url: "https://romashka-soft.ru/"),
            emails: [Sourced("info@romashka-soft.ru", source: .webSearch, fetchedAt: fetchedAt, url: "https://romashka-soft.ru/contacts")],
            phones: [Sourced("+74951234567", source: .webSearch, fetchedAt: fetchedAt, url: "https://romashka-soft.ru/contacts")],
            decisionMakers: [
                DecisionMaker(fullName: "Иванов Пётр Сергеевич", position: "Генеральный директор", inn: "500100732259",
                              birthDate: CalendarDay(year: 1975, month: 3, day: 14), email: "ivanov@romashka-soft.ru", phone: "+74951234568",
                              source: .webSearch, sourceURL: "https://romashka-soft.ru/team", fetchedAt: fetchedAt),
                // A page a model made up a scheme for: shown, never linked.
                DecisionMaker(fullName: "Петрова Анна Игоревна", position: "Коммерческий директор", source: .webSearch,
                              sourceURL: "javascript:alert(1)", fetchedAt: fetchedAt),
            ])
    }

    /// Stores an enrichment as the job does when it succeeds, with its charge.
    @discardableResult
    static func enrich(_ app: TestApp, _ client: Client, contacts: ClientContacts = ClientFixtures.contacts(),
                       reason: String = "1 e-mail, 1 phone, 2 decision makers") async throws -> EnrichmentCharge? {
        try await app.services.clients.storeEnrichment(
            client.id, companyID: client.companyID, record: client.record, contacts: contacts, source: "providers+web_search", reason: reason,
            cacheEntry: nil)
    }

    /// Links to client cards in page order (the list marks them `data-client-link`).
    static func clientLinks(_ html: String) -> [String] {
        html.matches(of: /href="\/clients\/([0-9A-F-]{36})" data-client-link/).map { String($0.output.1) }
    }

    /// Adds a colleague with `role` and signs them in with a password of their own.
    static func colleague(_ app: TestApp, _ client: any TestClientProtocol, owner: Browser, email: String, role: String) async throws -> Browser {
        try await Flows.addUser(owner, email: email, role: role, temporaryPassword: "temporary password 9")
        let colleague = Browser(client)
        try await Flows.logIn(colleague, email: email, password: "temporary password 9")
        try await colleague.post("/account/password", [
            ("current_password", "temporary password 9"), ("new_password", "colleague own password"), ("new_password_confirm", "colleague own password"),
        ], tokenFrom: "/account")
        return colleague
    }

    /// The platform's SUPER_ADMIN, signed in.
    static func superAdmin(_ app: TestApp, _ client: any TestClientProtocol) async throws -> Browser {
        let hash = try await app.services.hasher.hash(Flows.password)
        _ = try await app.services.users.createSuperAdmin(email: EmailAddress("root@platform.ru")!, fullName: "Root", passwordHash: hash, locale: .ru)
        let root = Browser(client)
        try await Flows.logIn(root, email: "root@platform.ru")
        return root
    }

    /// The enrichment progress document as `app.js` reads it.
    struct Progress: Decodable {
        let counts: [String: Int]
        let pending: Int
        let running: Bool
        let total: Int
        let generatedAt: String
    }

    static func progress(_ browser: Browser) async throws -> Progress {
        let response = try await browser.get("/clients/enrichment-progress.json")
        guard response.status == .ok, response.headers[.contentType]?.hasPrefix("application/json") == true else {
            throw InboxFixtures.Missing(description: "no progress: \(response.status) \(response.text)")
        }
        return try JSONDecoder().decode(Progress.self, from: Data(response.text.utf8))
    }
}
