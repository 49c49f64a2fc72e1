import Domain
import Foundation
import HummingbirdTesting
import ProviderFakes
import Storage
import Testing
@testable import Web

/// Adding a client by INN with a company-data service configured (the platform's DaData, the
/// fake on loopback): the registry is asked first, for free; an INN no registry knows is a field
/// error and nothing is stored; a found company is stored with its registry data and charged
/// nothing; enrichment is queued only when "enrich now" is ticked.
@Suite(.timeLimit(.minutes(2))) struct ClientLookupFlowTests {
    static func withDaData<T: Sendable>(_ body: @Sendable (TestApp, any TestClientProtocol, FakeDaDataServer) async throws -> T) async throws -> T {
        let daData = try await FakeDaDataServer.start()
        do {
            let result = try await TestApp.run(configure: { configuration in
                configuration.environment = ["SMARTYSALES_DADATA_API_KEY": daData.apiKey, "SMARTYSALES_DADATA_BASE_URL": daData.baseURL]
            }) { app, client in
                try await body(app, client, daData)
            }
            await daData.stop()
            return result
        } catch {
            await daData.stop()
            throw error
        }
    }

    @Test func anINNNoRegistryKnowsIsAFieldErrorAndNothingIsStored() async throws {
        try await Self.withDaData { app, client, daData in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let form = try await anna.get("/clients/new")
            #expect(form.text.contains("name=\"enrich_now\" type=\"checkbox\" value=\"1\" checked"), "enrich now is ticked by default")

            // Valid check digits, no such company.
            let unknownINN = ClientFixtures.inn(4242)
            let unknown = try await anna.post("/clients", [("inn", unknownINN), ("enrich_now", "1")], tokenFrom: "/clients/new")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains(InboxFixtures.html(app, "validation_client_unknown_company", .ru)))
            #expect(unknown.text.contains("value=\"\(unknownINN)\""), "what was typed stays")
            #expect(unknown.text.contains("name=\"enrich_now\" type=\"checkbox\" value=\"1\" checked"), "and so does the choice")
            #expect(daData.script.receivedRequests.count == 1, "the registry was asked once")
            #expect(try await app.services.clients.list(.tenant(member), ClientListQuery()).totalCount == 0, "nothing was stored")
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty, "nothing was queued")
            let quota = try await app.services.enrichmentQuota.quota(companyID: member.companyID)
            #expect(quota.used == 0)
        }
    }

    @Test func aFoundCompanyIsStoredWithItsRegistryDataWithoutACharge() async throws {
        try await Self.withDaData { app, client, daData in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")

            let added = try await anna.post("/clients", [("inn", ClientFixtures.sberbankINN), ("enrich_now", "1")], tokenFrom: "/clients/new")
            #expect(added.status == .seeOther)
            let summary = try #require(try await app.services.clients.list(.tenant(member), ClientListQuery()).clients.first)
            #expect(added.location == "/clients/\(summary.id.uuidString)")
            let sber = try await app.services.clients.find(summary.id, scope: .tenant(member))
            #expect(sber.inn == ClientFixtures.sberbankINN && sber.origin == .manual)
            #expect(sber.record.fullName?.value.contains("СБЕРБАНК") == true, "the registry's name is stored")
            #expect(sber.record.fullName?.source == .daData)
            #expect(sber.name != sber.inn)
            let quota = try await app.services.enrichmentQuota.quota(companyID: member.companyID)
            #expect(quota.used == 0, "a look-up is not an enrichment")
            #expect(try await app.services.enrichmentQuota.charges(.tenant(member), period: quota.period).isEmpty)
            // Enrichment was asked for: queued, for this client.
            #expect(sber.enrichment == .pending)
            let jobs = try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind)
            #expect(jobs.count == 1)
            #expect(jobs.map(\.payload).joined().lowercased().contains(sber.id.uuidString.lowercased()))
            let card = try await anna.get("/clients/\(sber.id.uuidString)")
            #expect(card.text.contains(InboxFixtures.html(app, "flash_client_added", .ru)))
            let calls = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "company_data.call"), page: 1, pageSize: 20).events
            #expect(!calls.isEmpty, "the look-up is on the audit trail")

            // "Enrich now" unticked: stored with its registry data, nothing queued.
            let quiet = try await anna.post("/clients", [("inn", FakeCompany.yandex.inn)], tokenFrom: "/clients/new")
            #expect(quiet.status == .seeOther)
            let yandexID = try #require(quiet.location.flatMap { UUID(uuidString: String($0.dropFirst("/clients/".count))) })
            let yandex = try await app.services.clients.find(yandexID, scope: .tenant(member))
            #expect(yandex.inn == FakeCompany.yandex.inn && yandex.record.fullName?.value.contains("ЯНДЕКС") == true)
            #expect(yandex.enrichment == .notStarted)
            #expect(try await InboxFixtures.claimAll(app, kind: ClientFixtures.enrichJobKind).isEmpty)
            #expect(try await anna.get("/clients/\(yandexID.uuidString)").text.contains(InboxFixtures.html(app, "flash_client_added_not_enriched", .ru)))
            #expect(try await app.services.enrichmentQuota.quota(companyID: member.companyID).used == 0)
            #expect(daData.script.receivedRequests.count == 2)
        }
    }
}
