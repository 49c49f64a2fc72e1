import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// The prospects repositories over one test database, with a clock the test moves and helpers
/// for tenants, registry records and contacts.
struct ProspectsWorld {
    let db: Persistence
    let clock: TestClock
    let users: UserRepository
    let clients: ClientRepository
    let notes: ClientNoteRepository
    let cache: CompanyCacheRepository
    let quotas: EnrichmentQuotaRepository
    let searches: ProspectSearchRepository

    init(_ db: Persistence) {
        let clock = TestClock()
        self.db = db
        self.clock = clock
        users = UserRepository(persistence: db, clock: clock)
        clients = ClientRepository(persistence: db, clock: clock)
        notes = ClientNoteRepository(persistence: db, clock: clock)
        cache = CompanyCacheRepository(persistence: db, clock: clock)
        quotas = EnrichmentQuotaRepository(persistence: db, clock: clock)
        searches = ProspectSearchRepository(persistence: db, clock: clock)
    }

    /// Signs a company up and returns its owner.
    func tenant(_ email: String, company: String, owner: String = "Анна Петрова") async throws -> TenantMember {
        let form = NewCompanyOwner(fullName: owner, email: EmailAddress(email)!, companyName: company, companyDescription: "", locale: .ru)
        let (_, user) = try await users.signUp(form, passwordHash: "hash")
        return try #require(user.scope?.member)
    }

    /// A registry record as a provider would return it, every value sourced and dated now.
    func record(
        _ inn: String, name: String, region: String? = nil, okved: String? = nil, revenue: Int64? = nil, headcount: Int? = nil
    ) -> CompanyRecord {
        let now = clock.now()
        var record = CompanyRecord(inn: inn)
        record.shortName = Sourced(name, source: .daData, fetchedAt: now)
        record.fullName = Sourced("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \(name.uppercased())", source: .daData, fetchedAt: now)
        record.status = Sourced(.active, source: .daData, fetchedAt: now)
        record.regionCode = region.map { Sourced($0, source: .daData, fetchedAt: now) }
        record.mainOKVED = okved.map { Sourced(OKVEDActivity(code: $0), source: .daData, fetchedAt: now) }
        record.revenue = revenue.map { Sourced(CompanyRevenue(year: 2025, roubles: $0), source: .checko, fetchedAt: now) }
        record.headcount = headcount.map { Sourced($0, source: .checko, fetchedAt: now) }
        return record
    }

    /// Contacts enrichment could find; none of them when both are nil.
    func contacts(email: String? = "info@romashka.ru", director: String? = nil) -> ClientContacts {
        let now = clock.now()
        return ClientContacts(
            website: Sourced("https://romashka.ru", source: .webSearch, fetchedAt: now, url: "https://romashka.ru"),
            emails: email.map { [Sourced($0, source: .webSearch, fetchedAt: now, url: "https://romashka.ru/contacts")] } ?? [],
            decisionMakers: director.map { [DecisionMaker(fullName: $0, position: "Генеральный директор", source: .daData, fetchedAt: now)] } ?? [])
    }

    /// Adds a client by hand.
    func client(_ member: TenantMember, _ inn: String, name: String, region: String? = nil, okved: String? = nil, revenue: Int64? = nil,
                headcount: Int? = nil) async throws -> Client {
        try await clients.create(member, record: record(inn, name: name, region: region, okved: okved, revenue: revenue, headcount: headcount),
                                 origin: .manual)
    }

    /// The ids of a page, in order.
    func ids(_ scope: TenantScope, _ query: ClientListQuery) async throws -> [UUID] {
        try await clients.list(scope, query).clients.map(\.id)
    }

    /// Ids in the order both engines give equal sort keys: byte order of the UUID.
    static func byID(_ ids: [UUID], descending: Bool = false) -> [UUID] {
        let ascending = ids.sorted { $0.uuidString < $1.uuidString }
        return descending ? ascending.reversed() : ascending
    }
}
