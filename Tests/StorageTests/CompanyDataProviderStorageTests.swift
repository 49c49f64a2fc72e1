import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// The tenant's own company-data provider keys. Runs on the engine `SMARTYSALES_TEST_DATABASE`
/// names: `scripts/test` runs it on both.
@Suite struct CompanyDataProviderStorageTests {
    static let key = "dadata-0123456789abcdefXYZ9"

    static func repository(_ world: ProspectsWorld) throws -> CompanyDataProviderSettingsRepository {
        CompanyDataProviderSettingsRepository(
            persistence: world.db, secretBox: SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1"))), clock: world.clock)
    }

    /// Every text column of the table, as stored.
    static func storedTexts(_ db: Persistence) async throws -> [String] {
        var texts: [String] = []
        for row in try await db.sql.raw("SELECT * FROM tenant_company_data_providers").all() {
            for column in ["kind", "base_url", "api_key_sealed", "key_hint"] {
                if let text = try row.decode(column: column, as: String?.self) { texts.append(text) }
            }
        }
        return texts
    }

    @Test func theKeyIsStoredSealedWithAHintAndOpenedOnlyForCalls() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let settings = try Self.repository(world)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let saved = try await settings.save(anna, id: nil, kind: .daData, baseURL: nil, isEnabled: true, apiKey: "  \(Self.key)\n")
            #expect(saved.kind == .daData && saved.baseURL == nil && saved.keyHint == "XYZ9")
            #expect(saved.position == 0 && saved.isEnabled && saved.updatedAt == world.clock.now())

            let texts = try await Self.storedTexts(db)
            #expect(!texts.isEmpty)
            #expect(!texts.contains { $0.contains(Self.key) || $0.contains("0123456789abcdef") }, "the plaintext is nowhere in the row")
            let sealedRow = try await db.sql.raw("SELECT api_key_sealed FROM tenant_company_data_providers").first()
            let sealed = try #require(try sealedRow?.decode(column: "api_key_sealed", as: String.self))
            #expect(sealed.hasPrefix("v1.k1."))

            // Pages get no key at all; calls get it opened.
            let listed = try await settings.list(.tenant(anna))
            #expect(listed == [saved])
            #expect(!"\(listed)".contains(Self.key))
            let opened = try await settings.credentials(companyID: anna.companyID)
            #expect(opened == [CompanyDataProviderCredentials(kind: .daData, apiKey: Self.key, baseURL: nil)])
            #expect(!"\(opened)".contains(Self.key) && !String(reflecting: opened).contains(Self.key), "printing never shows the key")
            var dumped = ""
            dump(opened, to: &dumped)
            #expect(!dumped.contains(Self.key), "nor does dumping it")

            // Read with another master key, the sealed value opens to nothing.
            let otherBox = SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1")))
            let withOtherKey = CompanyDataProviderSettingsRepository(persistence: db, secretBox: otherBox)
            await #expect(throws: SecretBoxError.authenticationFailed) { _ = try await withOtherKey.credentials(companyID: anna.companyID) }
        }
    }

    @Test func aMissingKeyKeepsTheStoredOneExceptForANewDestination() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let settings = try Self.repository(world)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            await #expect(throws: FieldErrors(["api_key": "validation_required"])) {
                _ = try await settings.save(anna, id: nil, kind: .checko, baseURL: nil, isEnabled: true, apiKey: nil)
            }
            await #expect(throws: FieldErrors(["api_key": "validation_llm_key"])) {
                _ = try await settings.save(anna, id: nil, kind: .checko, baseURL: nil, isEnabled: true, apiKey: "two words")
            }
            await #expect(throws: FieldErrors(["base_url": "validation_llm_base_url"])) {
                _ = try await settings.save(anna, id: nil, kind: .checko, baseURL: "http://collector.example", isEnabled: true, apiKey: "checko-key-0000-aaaa")
            }
            let noProviders = try await settings.list(.tenant(anna))
            #expect(noProviders.isEmpty, "refused saves store nothing")

            let first = try await settings.save(anna, id: nil, kind: .checko, baseURL: "https://proxy.romashka.ru/checko/", isEnabled: true,
                                                apiKey: "checko-key-0000-aaaa")
            #expect(first.baseURL == "https://proxy.romashka.ru/checko")
            world.clock.advance(by: 60)
            let disabled = try await settings.save(anna, id: first.id, kind: .checko, baseURL: first.baseURL, isEnabled: false, apiKey: nil)
            #expect(!disabled.isEnabled && disabled.keyHint == "aaaa" && disabled.updatedAt == world.clock.now())
            let noCalls = try await settings.credentials(companyID: anna.companyID)
            #expect(noCalls.isEmpty, "a disabled provider is not called")
            let enabled = try await settings.save(anna, id: first.id, kind: .checko, baseURL: first.baseURL, isEnabled: true, apiKey: " ")
            #expect(enabled.isEnabled)
            let kept = try await settings.credentials(companyID: anna.companyID)
            #expect(kept.map(\.apiKey) == ["checko-key-0000-aaaa"], "a blank key keeps the stored one")

            // Another address or another provider: the stored key does not go along.
            await #expect(throws: FieldErrors(["api_key": "validation_llm_key_for_new_server"])) {
                _ = try await settings.save(anna, id: first.id, kind: .checko, baseURL: "https://collector.example", isEnabled: true, apiKey: nil)
            }
            await #expect(throws: FieldErrors(["api_key": "validation_llm_key_for_new_server"])) {
                _ = try await settings.save(anna, id: first.id, kind: .daData, baseURL: first.baseURL, isEnabled: true, apiKey: nil)
            }
            let unchanged = try await settings.find(first.id, scope: .tenant(anna))
            #expect(unchanged.baseURL == "https://proxy.romashka.ru/checko", "the refused change did not happen")
            let rekeyed = try await settings.save(anna, id: first.id, kind: .checko, baseURL: nil, isEnabled: true, apiKey: "checko-key-1111-bbbb")
            #expect(rekeyed.baseURL == nil && rekeyed.keyHint == "bbbb")

            // One key per provider; the order is the order of adding; disabled ones are not called.
            await #expect(throws: StorageError.alreadyExists) {
                _ = try await settings.save(anna, id: nil, kind: .checko, baseURL: nil, isEnabled: true, apiKey: "another-checko-key-0000")
            }
            let daData = try await settings.save(anna, id: nil, kind: .daData, baseURL: nil, isEnabled: true, apiKey: Self.key)
            let fns = try await settings.save(anna, id: nil, kind: .apiFNS, baseURL: nil, isEnabled: false, apiKey: "fns-key-0123456789")
            #expect([rekeyed.position, daData.position, fns.position] == [0, 1, 2] as [Int])
            let calls = try await settings.credentials(companyID: anna.companyID)
            #expect(calls.map(\.kind) == [.checko, .daData])
            #expect(calls.map(\.apiKey) == ["checko-key-1111-bbbb", Self.key])

            try await settings.delete(anna, id: daData.id)
            let afterDelete = try await settings.list(.tenant(anna))
            #expect(afterDelete.map(\.kind) == [.checko, .apiFNS])
            await #expect(throws: StorageError.notFound) { try await settings.delete(anna, id: daData.id) }
        }
    }

    @Test func anotherTenantCanNeitherSeeNorUseNorChangeAKeyAndThePlatformOnlyReads() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let settings = try Self.repository(world)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let annas = try await settings.save(anna, id: nil, kind: .daData, baseURL: nil, isEnabled: true, apiKey: Self.key)
            let borisScope = TenantScope.tenant(boris)

            let borisList = try await settings.list(borisScope)
            #expect(borisList.isEmpty)
            let borisCalls = try await settings.credentials(companyID: boris.companyID)
            #expect(borisCalls.isEmpty)
            await #expect(throws: StorageError.notFound) { _ = try await settings.find(annas.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await settings.list(borisScope, companyID: anna.companyID) }
            await #expect(throws: StorageError.notFound) {
                _ = try await settings.save(boris, id: annas.id, kind: .daData, baseURL: "https://collector.example", isEnabled: true, apiKey: "x-0000000000")
            }
            await #expect(throws: StorageError.notFound) { try await settings.delete(boris, id: annas.id) }
            // Boris may have a DaData key of his own: uniqueness is per tenant.
            _ = try await settings.save(boris, id: nil, kind: .daData, baseURL: nil, isEnabled: true, apiKey: "dadata-boris-0123456789")
            let borisKeys = try await settings.credentials(companyID: boris.companyID)
            #expect(borisKeys.map(\.apiKey) == ["dadata-boris-0123456789"])
            let annaKeys = try await settings.credentials(companyID: anna.companyID)
            #expect(annaKeys.map(\.apiKey) == [Self.key])

            let platform = TenantScope.platform(userID: UUID())
            let throughPlatform = try await settings.list(platform, companyID: anna.companyID)
            #expect(throughPlatform == [annas])
            let found = try await settings.find(annas.id, scope: platform)
            #expect(found == annas)
            await #expect(throws: StorageError.notFound) { _ = try await settings.list(platform) }
            #expect(platform.member == nil, "changes take a TenantMember, which the platform scope cannot produce")
        }
    }
}
