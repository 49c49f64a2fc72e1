import CompanyData
import Domain
import Foundation
import Storage
import TestSupport
import Testing
@testable import Workers

/// Whose key each company-data service is asked with: per service, the tenant's own wins and the
/// platform's fills in; Rusprofile, not available yet, is never a source.
@Suite struct CompanyDataSourcesTests {
    static let platform = CompanyDataPlatformDefaults(environment: [
        "SMARTYSALES_DADATA_API_KEY": "platform-dadata-key", "SMARTYSALES_CHECKO_API_KEY": "platform-checko-key",
    ])

    @Test func theFallbackToThePlatformIsPerService() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let anna = try await world.tenant()
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            let settings = CompanyDataProviderSettingsRepository(persistence: db, secretBox: world.secretBox)
            let sources = CompanyDataSources(settings: settings, platformDefaults: Self.platform, audit: world.audit)
            func chosen(_ companyID: UUID) async throws -> [String] {
                try await sources.configurations(settings.credentials(companyID: companyID), companyID: companyID)
                    .map { "\($0.kind.rawValue)=\($0.apiKey)" }
            }

            #expect(try await chosen(anna.companyID) == ["dadata=platform-dadata-key", "checko=platform-checko-key"], "no keys of her own")

            // Her own DaData key replaces the platform's DaData only: Checko stays the platform's.
            let own = try await settings.save(anna, id: nil, kind: .daData, baseURL: nil, isEnabled: true, apiKey: "anna-dadata-key-0123456789")
            #expect(try await chosen(anna.companyID) == ["dadata=anna-dadata-key-0123456789", "checko=platform-checko-key"])
            #expect(try await sources.configurations(settings.credentials(companyID: anna.companyID), companyID: anna.companyID)
                .allSatisfy { $0.tenantID == anna.companyID.uuidString }, "every call is stamped with the tenant")
            #expect(try await chosen(boris.companyID) == ["dadata=platform-dadata-key", "checko=platform-checko-key"], "Boris is not affected")

            // A Rusprofile key (stored before it was refused) neither counts as a source nor hides the platform's.
            _ = try await settings.save(anna, id: nil, kind: .rusprofile, baseURL: nil, isEnabled: true, apiKey: "rusprofile-contract-key-01")
            #expect(try await chosen(anna.companyID) == ["dadata=anna-dadata-key-0123456789", "checko=platform-checko-key"])

            // Switched off, her key is not used and the platform's DaData is back.
            _ = try await settings.save(anna, id: own.id, kind: .daData, baseURL: nil, isEnabled: false, apiKey: nil)
            #expect(try await chosen(anna.companyID) == ["dadata=platform-dadata-key", "checko=platform-checko-key"])

            // No platform keys: only her own services.
            _ = try await settings.save(anna, id: nil, kind: .checko, baseURL: nil, isEnabled: true, apiKey: "anna-checko-key-0123456789")
            let bare = CompanyDataSources(settings: settings, platformDefaults: .none, audit: world.audit)
            #expect(try await bare.configurations(settings.credentials(companyID: anna.companyID), companyID: anna.companyID).map(\.kind) == [.checko])
        }
    }

    @Test func theTenantsOwnServicesComeFirstInItsOrder() {
        let own = [CompanyDataProviderConfiguration(kind: .checko, apiKey: "own-checko"), CompanyDataProviderConfiguration(kind: .apiFNS, apiKey: "own-fns")]
        let chosen = CompanyDataSources.perService(own: own, platform: Self.platform.configurations)
        #expect(chosen.map(\.kind) == [.checko, .apiFNS, .daData])
        #expect(chosen.map(\.apiKey) == ["own-checko", "own-fns", "platform-dadata-key"])
        #expect(CompanyDataSources.perService(own: [CompanyDataProviderConfiguration(kind: .rusprofile, apiKey: "contract")], platform: []).isEmpty)
    }
}
