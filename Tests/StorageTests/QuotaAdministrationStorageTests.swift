import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// What `smartysales admin set-quota` and the console's quota field stand on: finding the company
/// an operator names, and setting its monthly allowance. Runs on the engine
/// `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct QuotaAdministrationStorageTests {
    @Test func anOperatorNamesACompanyByIdOrExactName() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let companies = CompanyRepository(persistence: db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let olga = try await world.tenant("olga@romashka-spb.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")

            #expect(try await companies.companies(matching: "Лотос").map(\.id) == [boris.companyID])
            #expect(try await companies.companies(matching: "  Лотос ").map(\.id) == [boris.companyID], "spaces around are ignored")
            #expect(Set(try await companies.companies(matching: "Ромашка").map(\.id)) == [anna.companyID, olga.companyID], "a shared name finds both")
            #expect(try await companies.companies(matching: olga.companyID.uuidString).map(\.id) == [olga.companyID])
            #expect(try await companies.companies(matching: olga.companyID.uuidString.lowercased()).map(\.id) == [olga.companyID])
            #expect(try await companies.companies(matching: "Рома").isEmpty, "no partial matches")
            #expect(try await companies.companies(matching: UUID().uuidString).isEmpty)
            #expect(try await companies.companies(matching: "   ").isEmpty)
        }
    }

    @Test func theMonthlyLimitChangesForOneTenantAtOnce() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            #expect(try await world.quotas.quota(companyID: anna.companyID).limit == EnrichmentQuota.defaultMonthlyLimit)

            try await world.quotas.setMonthlyLimit(companyID: anna.companyID, limit: 250)
            #expect(try await world.quotas.quota(companyID: anna.companyID).limit == 250)
            #expect(try await world.quotas.quota(companyID: boris.companyID).limit == EnrichmentQuota.defaultMonthlyLimit, "the other tenant keeps its own")

            try await world.quotas.setMonthlyLimit(companyID: anna.companyID, limit: 0)
            #expect(try await world.quotas.quota(companyID: anna.companyID).isExhausted, "0 stops enrichment")
            await #expect(throws: StorageError.notFound) { try await world.quotas.setMonthlyLimit(companyID: UUID(), limit: 5) }
        }
    }
}
