import Domain
import Foundation
import Observability
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// The tenant's own LLM keys and its stored classifier. Runs on the engine
/// `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct LLMProviderStorageTests {
    static let key = "sk-proj-Abc123DEF456ghi789JKL0"

    static func repository(_ world: InboxWorld) throws -> LLMProviderSettingsRepository {
        LLMProviderSettingsRepository(
            persistence: world.db, secretBox: SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1"))), clock: world.clock)
    }

    static func draft(_ provider: LLMProvider, model: String? = nil, baseURL: String? = nil, enabled: Bool = true) throws -> TenantLLMProviderDraft {
        try TenantLLMProviderDraft(provider: provider, model: model ?? provider.defaultModel, baseURL: baseURL, isEnabled: enabled).validated()
    }

    /// Every text column of the table, as stored.
    static func storedTexts(_ db: Persistence) async throws -> [String] {
        var texts: [String] = []
        for row in try await db.sql.raw("SELECT * FROM tenant_llm_providers").all() {
            for column in ["provider", "model", "base_url", "api_key_sealed", "key_hint"] {
                if let text = try row.decode(column: column, as: String?.self) { texts.append(text) }
            }
        }
        return texts
    }

    @Test func theKeyIsStoredSealedAndOpenedOnlyForCalls() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let settings = try Self.repository(world)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let saved = try await settings.save(anna, id: nil, try Self.draft(.openAI), apiKey: "  \(Self.key)\n")
            #expect(saved.provider == .openAI && saved.model == "gpt-4.1-mini" && saved.baseURL == nil)
            #expect(saved.keyHint == "JKL0")
            #expect(saved.position == 0 && saved.isEnabled)
            #expect(saved.updatedAt == world.clock.now())

            let texts = try await Self.storedTexts(db)
            #expect(!texts.isEmpty)
            #expect(!texts.contains { $0.contains(Self.key) || $0.contains("ghi789") }, "the plaintext is nowhere in the row")
            let sealed = try #require(try await db.sql.raw("SELECT api_key_sealed FROM tenant_llm_providers").first()?
                .decode(column: "api_key_sealed", as: String.self))
            #expect(sealed.hasPrefix("v1.k1."))

            // Pages get no key at all; calls get it opened.
            let listed = try await settings.list(.tenant(anna))
            #expect(listed == [saved])
            #expect(!"\(listed)".contains(Self.key))
            let opened = try await settings.configurations(companyID: anna.companyID)
            #expect(opened == [LLMProviderCredentials(provider: .openAI, model: "gpt-4.1-mini", baseURL: nil, apiKey: Self.key)])
            #expect(try await settings.credentials(for: saved).apiKey == Self.key)
            #expect(!"\(opened)".contains(Self.key) && !String(reflecting: opened).contains(Self.key), "printing never shows the key")

            // Read with another master key, the sealed value opens to nothing.
            let otherBox = SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1")))
            let withOtherKey = LLMProviderSettingsRepository(persistence: db, secretBox: otherBox)
            await #expect(throws: SecretBoxError.authenticationFailed) { _ = try await withOtherKey.configurations(companyID: anna.companyID) }
        }
    }

    @Test func anEmptyKeyKeepsTheStoredOneExceptForANewDestination() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let settings = try Self.repository(world)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            await #expect(throws: FieldErrors(["api_key": "validation_required"])) {
                _ = try await settings.save(anna, id: nil, try Self.draft(.openAI), apiKey: " ")
            }
            let first = try await settings.save(anna, id: nil, try Self.draft(.openAI, baseURL: "https://proxy.romashka.ru/v1/"), apiKey: "first-key-0000-aaaa")
            #expect(first.baseURL == "https://proxy.romashka.ru/v1")

            world.clock.advance(by: 60)
            let renamed = try await settings.save(anna, id: first.id, try Self.draft(.openAI, model: "gpt-4.1", baseURL: first.baseURL), apiKey: "")
            #expect(renamed.model == "gpt-4.1" && renamed.keyHint == "aaaa" && renamed.updatedAt == world.clock.now())
            #expect(try await settings.credentials(for: renamed).apiKey == "first-key-0000-aaaa")

            let rekeyed = try await settings.save(anna, id: first.id, try Self.draft(.openAI, model: "gpt-4.1", baseURL: first.baseURL), apiKey: "second-key-1111-bbbb")
            #expect(rekeyed.keyHint == "bbbb")
            #expect(try await settings.credentials(for: rekeyed).apiKey == "second-key-1111-bbbb")

            // Another address or another provider: the stored key does not go along.
            await #expect(throws: FieldErrors(["api_key": "validation_llm_key_for_new_server"])) {
                _ = try await settings.save(anna, id: first.id, try Self.draft(.openAI, baseURL: "https://collector.example/v1"), apiKey: "")
            }
            await #expect(throws: FieldErrors(["api_key": "validation_llm_key_for_new_server"])) {
                _ = try await settings.save(anna, id: first.id, try Self.draft(.deepSeek, baseURL: first.baseURL), apiKey: "")
            }
            #expect(try await settings.find(first.id, scope: .tenant(anna)).baseURL == "https://proxy.romashka.ru/v1", "the refused change did not happen")
            let moved = try await settings.save(anna, id: first.id, try Self.draft(.openAI), apiKey: "third-key-2222-cccc")
            #expect(moved.baseURL == nil)

            // One key per provider; disabled ones are not called; the order is the tenant's.
            await #expect(throws: StorageError.alreadyExists) {
                _ = try await settings.save(anna, id: nil, try Self.draft(.openAI), apiKey: "another-openai-key-0000")
            }
            let deepSeek = try await settings.save(anna, id: nil, try Self.draft(.deepSeek), apiKey: "sk-deepseek-0123456789")
            let anthropic = try await settings.save(anna, id: nil, try Self.draft(.anthropic, enabled: false), apiKey: "sk-ant-0123456789abcd")
            #expect([moved.position, deepSeek.position, anthropic.position] == [0, 1, 2] as [Int])
            #expect(try await settings.configurations(companyID: anna.companyID).map(\.provider) == [.openAI, .deepSeek])
            _ = try await settings.reorder(anna, orderedIDs: [anthropic.id, deepSeek.id])
            #expect(try await settings.list(.tenant(anna)).map(\.provider) == [.anthropic, .deepSeek, .openAI])
            #expect(try await settings.configurations(companyID: anna.companyID).map(\.provider) == [.deepSeek, .openAI])

            try await settings.delete(anna, id: deepSeek.id)
            #expect(try await settings.list(.tenant(anna)).map(\.provider) == [.anthropic, .openAI])
            #expect(try await settings.configurations(companyID: anna.companyID).map(\.apiKey) == ["third-key-2222-cccc"])
        }
    }

    @Test func anotherTenantCanNeitherSeeNorUseNorChangeAKeyAndThePlatformOnlyReads() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let settings = try Self.repository(world)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let annas = try await settings.save(anna, id: nil, try Self.draft(.openAI), apiKey: Self.key)
            let borisScope = TenantScope.tenant(boris)

            #expect(try await settings.list(borisScope).isEmpty)
            #expect(try await settings.configurations(companyID: boris.companyID).isEmpty)
            await #expect(throws: StorageError.notFound) { _ = try await settings.find(annas.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await settings.list(borisScope, companyID: anna.companyID) }
            await #expect(throws: StorageError.notFound) {
                _ = try await settings.save(boris, id: annas.id, try Self.draft(.openAI, baseURL: "https://collector.example/v1"), apiKey: "x-0000000000")
            }
            await #expect(throws: StorageError.notFound) { try await settings.delete(boris, id: annas.id) }
            #expect(try await settings.reorder(boris, orderedIDs: [annas.id]).isEmpty, "another tenant's ids are ignored")
            let forged = TenantLLMProvider(id: annas.id, companyID: boris.companyID, provider: .openAI, model: "gpt-4.1-mini", baseURL: nil,
                                           keyHint: "", position: 0, isEnabled: true, updatedAt: Date())
            await #expect(throws: StorageError.notFound) { _ = try await settings.credentials(for: forged) }
            // Boris may have an OpenAI key of his own: uniqueness is per tenant.
            _ = try await settings.save(boris, id: nil, try Self.draft(.openAI), apiKey: "sk-boris-0123456789")
            #expect(try await settings.configurations(companyID: boris.companyID).map(\.apiKey) == ["sk-boris-0123456789"])
            #expect(try await settings.configurations(companyID: anna.companyID).map(\.apiKey) == [Self.key])

            let platform = TenantScope.platform(userID: UUID())
            #expect(try await settings.list(platform, companyID: anna.companyID) == [annas])
            #expect(try await settings.find(annas.id, scope: platform) == annas)
            await #expect(throws: StorageError.notFound) { _ = try await settings.list(platform) }
            #expect(platform.member == nil, "changes take a TenantMember, which the platform scope cannot produce")
        }
    }

    @Test func theClassifierIsStoredOncePerTenantAndReplaced() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let classifiers = EmbeddedClassifierRepository(persistence: db, clock: world.clock)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            #expect(try await classifiers.load(companyID: anna.companyID) == nil)
            try await classifiers.save(companyID: anna.companyID, encoded: Data(#"{"model":"первый"}"#.utf8), formatVersion: 1, fingerprint: "f1")
            world.clock.advance(by: 120)
            try await classifiers.save(companyID: anna.companyID, encoded: Data(#"{"model":"второй"}"#.utf8), formatVersion: 2, fingerprint: "f2")
            let stored = try #require(try await classifiers.load(companyID: anna.companyID))
            #expect(stored == StoredEmbeddedClassifier(encoded: Data(#"{"model":"второй"}"#.utf8), formatVersion: 2, fingerprint: "f2",
                                                       trainedAt: world.clock.now()))
            #expect(try await classifiers.load(companyID: boris.companyID) == nil)
            let rows = try await db.sql.raw("SELECT COUNT(*) AS n FROM embedded_classifiers").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 1)

            // What the fingerprint is made of: the corrections' count and the latest one's time.
            #expect(try await world.classifications.trainingSummary(companyID: anna.companyID) == TrainingSummary(corrections: 0, latestCorrectionAt: nil))
            let mailbox = try await world.mailbox(anna, "sales@a.ru")
            let message = try #require(try await world.messages.store([world.message("1:1")], companyID: anna.companyID, mailboxID: mailbox.id).first)
            let category = try #require(try await world.categories.activeCategories(companyID: anna.companyID).first)
            _ = try await world.classifications.correct(anna, messageID: message.id, categoryID: category.id)
            let summary = try await world.classifications.trainingSummary(companyID: anna.companyID)
            #expect(summary == TrainingSummary(corrections: 1, latestCorrectionAt: world.clock.now()))
            #expect(try await world.classifications.trainingSummary(companyID: boris.companyID).corrections == 0)
        }
    }

    @Test func usageDetailsAreReadForOneCompanyKindAndPeriod() async throws {
        try await TestDatabase.with { db in
            let audit = AuditRepository(persistence: db)
            let a = UUID(), b = UUID()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            await audit.record(AuditEvent(time: start, kind: "llm.call", companyID: a, details: ["input": "10"]))
            await audit.record(AuditEvent(time: start.addingTimeInterval(3_599), kind: "llm.call", companyID: a, details: ["input": "20"]))
            await audit.record(AuditEvent(time: start.addingTimeInterval(3_600), kind: "llm.call", companyID: a, details: ["input": "40"]))
            await audit.record(AuditEvent(time: start.addingTimeInterval(-1), kind: "llm.call", companyID: a, details: ["input": "80"]))
            await audit.record(AuditEvent(time: start, kind: "llm.call", companyID: b, details: ["input": "160"]))
            await audit.record(AuditEvent(time: start, kind: "http.request", companyID: a, details: ["input": "320"]))
            let details = try await audit.details(ofKind: "llm.call", companyID: a, from: start, to: start.addingTimeInterval(3_600))
            #expect(Set(details.compactMap { $0["input"] }) == ["10", "20"])
        }
    }
}
