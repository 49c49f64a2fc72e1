import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct MailboxStorageTests {
    static let secret = "gmail-app-пароль-abcd-efgh"

    /// Every text column of the table, as stored.
    static func storedTexts(_ db: Persistence) async throws -> [String] {
        let columns = ["kind", "display_name", "address", "username", "secret_sealed", "imap_host", "imap_tls", "smtp_host", "smtp_tls",
                       "custom_ca_pem", "ews_url", "exchange_auth", "status", "last_error"]
        var texts: [String] = []
        for row in try await db.sql.raw("SELECT * FROM mailboxes").all() {
            for column in columns {
                if let text = try row.decode(column: column, as: String?.self) { texts.append(text) }
            }
        }
        return texts
    }

    @Test func theSecretIsStoredSealedAndOpenedOnlyForTheWorker() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru", secret: Self.secret)
            let texts = try await Self.storedTexts(db)
            #expect(!texts.isEmpty)
            #expect(!texts.contains { $0.contains(Self.secret) || $0.contains("abcd-efgh") }, "the plaintext is nowhere in the row")
            let sealed = try #require(try await db.sql.raw("SELECT secret_sealed FROM mailboxes").first()?.decode(column: "secret_sealed", as: String.self))
            #expect(sealed.hasPrefix("v1.k1."))
            let credentials = try await world.mailboxes.credentials(for: mailbox)
            #expect(credentials.secret == Self.secret)
            #expect(credentials.username == "sales@romashka.ru")
            #expect(!"\(credentials)".contains("abcd"))
            #expect(mailbox.status == .new && mailbox.messagesStored == 0 && mailbox.importWindowDays == 14)
        }
    }

    @Test func editingKeepsTheSecretUnlessANewOneIsGiven() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru", secret: "first")
            var draft = InboxWorld.imapDraft("sales@romashka.ru")
            draft.displayName = "Отдел продаж"
            let renamed = try await world.mailboxes.update(anna, id: mailbox.id, draft, newSecret: nil)
            #expect(renamed.displayName == "Отдел продаж")
            #expect(try await world.mailboxes.credentials(for: renamed).secret == "first")
            _ = try await world.mailboxes.update(anna, id: mailbox.id, draft, newSecret: "second")
            #expect(try await world.mailboxes.credentials(for: renamed).secret == "second")
            await #expect(throws: StorageError.alreadyExists) {
                _ = try await world.mailbox(anna, "sales@romashka.ru")
            }
        }
    }

    @Test func anotherTenantCanNeitherSeeNorChangeAMailbox() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let mailbox = try await world.mailbox(anna, "sales@a.ru")
            let borisScope = TenantScope.tenant(boris)
            await #expect(throws: StorageError.notFound) { _ = try await world.mailboxes.find(mailbox.id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await world.mailboxes.find(mailbox.id, companyID: boris.companyID) }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.mailboxes.update(boris, id: mailbox.id, InboxWorld.imapDraft("sales@a.ru", host: "evil.example"), newSecret: "x")
            }
            await #expect(throws: StorageError.notFound) { _ = try await world.mailboxes.pause(boris, id: mailbox.id) }
            await #expect(throws: StorageError.notFound) { try await world.mailboxes.delete(boris, id: mailbox.id, keepMessages: false) }
            await #expect(throws: StorageError.notFound) {
                try await world.mailboxes.saveCheckpoint(mailboxID: mailbox.id, companyID: boris.companyID, json: "{}")
            }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.messages.store([world.message("1:1")], companyID: boris.companyID, mailboxID: mailbox.id)
            }
            let forged = Mailbox(id: mailbox.id, companyID: boris.companyID, kind: .imap, displayName: "", address: mailbox.address,
                                 username: "", connection: mailbox.connection, status: .new, lastSyncAt: nil, lastError: nil,
                                 messagesStored: 0, importWindowDays: 14, createdAt: Date(), updatedAt: Date())
            await #expect(throws: StorageError.notFound) { _ = try await world.mailboxes.credentials(for: forged) }
            #expect(try await world.mailboxes.list(borisScope).isEmpty)

            let unchanged = try await world.mailboxes.find(mailbox.id, scope: .tenant(anna))
            #expect(unchanged == mailbox, "nothing of the failed attempts happened")
            #expect(try await world.mailboxes.credentials(for: unchanged).secret == "app-password-1")

            let platform = TenantScope.platform(userID: UUID())
            #expect(try await world.mailboxes.find(mailbox.id, scope: platform) == mailbox)
            #expect(try await world.mailboxes.list(platform).map(\.id) == [mailbox.id])
            #expect(try await world.mailboxes.list(platform, companyID: boris.companyID).isEmpty)
            #expect(platform.member == nil, "changes take a TenantMember, which the platform scope cannot produce")
        }
    }

    @Test func theWorkerNeverLiftsAPause() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let scope = TenantScope.tenant(anna)
            try await world.mailboxes.markSyncing(mailbox.id, companyID: anna.companyID)
            #expect(try await world.mailboxes.find(mailbox.id, scope: scope).status == .syncing)
            try await world.mailboxes.markSynced(mailbox.id, companyID: anna.companyID)
            let synced = try await world.mailboxes.find(mailbox.id, scope: scope)
            #expect(synced.status == .connected && synced.lastSyncAt == world.clock.now())

            #expect(try await world.mailboxes.pause(anna, id: mailbox.id).status == .paused)
            try await world.mailboxes.markSynced(mailbox.id, companyID: anna.companyID)
            try await world.mailboxes.markFailed(mailbox.id, companyID: anna.companyID, error: "host unreachable")
            #expect(try await world.mailboxes.find(mailbox.id, scope: scope).status == .paused)
            #expect(try await world.mailboxes.listForSync().isEmpty)

            #expect(try await world.mailboxes.resume(anna, id: mailbox.id).status == .connected)
            try await world.mailboxes.markFailed(mailbox.id, companyID: anna.companyID, error: "wrong password")
            let failed = try await world.mailboxes.find(mailbox.id, scope: scope)
            #expect(failed.status == .error && failed.lastError == "wrong password")
            #expect(try await world.mailboxes.listForSync().map(\.id) == [mailbox.id])
        }
    }

    @Test func checkpointsSurviveAndAreForgottenWhenTheServerChanges() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            #expect(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID) == nil)
            try await world.mailboxes.saveCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID, json: #"{"imap":{"uidValidity":7,"lastUID":10}}"#)
            world.clock.advance(by: 60)
            try await world.mailboxes.saveCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID, json: #"{"imap":{"uidValidity":7,"lastUID":42}}"#)
            let loaded = try #require(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID))
            #expect(loaded.json.contains("42") && loaded.updatedAt == world.clock.now())
            #expect(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: UUID()) == nil)
            let rows = try await db.sql.raw("SELECT COUNT(*) AS n FROM mailbox_checkpoints").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 1, "saving again replaces the checkpoint")

            // The same server with a new name changes nothing; another server starts over.
            var renamed = InboxWorld.imapDraft("sales@romashka.ru")
            renamed.displayName = "Входящие"
            _ = try await world.mailboxes.update(anna, id: mailbox.id, renamed, newSecret: nil)
            #expect(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID) != nil)
            try await world.mailboxes.markSynced(mailbox.id, companyID: anna.companyID)
            let moved = try await world.mailboxes.update(anna, id: mailbox.id, InboxWorld.imapDraft("sales@romashka.ru", host: "mail.romashka.ru"), newSecret: nil)
            #expect(moved.status == .new)
            #expect(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID) == nil)
        }
    }

    @Test func storingMessagesCanSaveTheCheckpointInTheSameTransaction() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let stored = try await world.messages.store([world.message("7:1", messageID: "<a@x>"), world.message("7:2")],
                                                        companyID: anna.companyID, mailboxID: mailbox.id, checkpoint: "cp-2")
            #expect(stored.count == 2)
            #expect(try await world.mailboxes.loadCheckpoint(mailboxID: mailbox.id, companyID: anna.companyID)?.json == "cp-2")
            #expect(try await world.mailboxes.find(mailbox.id, scope: .tenant(anna)).messagesStored == 2)
        }
    }

    @Test func removingAMailboxKeepsOrDeletesItsMessages() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let kept = try await world.mailbox(anna, "kept@romashka.ru")
            let dropped = try await world.mailbox(anna, "dropped@romashka.ru")
            let keptMessages = try await world.messages.store([world.message("1:1", messageID: "k1@x")], companyID: anna.companyID, mailboxID: kept.id)
            let droppedMessages = try await world.messages.store([world.message("1:1", messageID: "d1@x")], companyID: anna.companyID, mailboxID: dropped.id)
            let category = try #require(try await world.categories.list(scope).first)
            _ = try await world.classifications.correct(anna, messageID: droppedMessages[0].id, categoryID: category.id)
            try await world.labels.enqueue([.applyLabel("Lead", to: keptMessages[0].id)], companyID: anna.companyID)

            try await world.mailboxes.delete(anna, id: kept.id, keepMessages: true)
            try await world.mailboxes.delete(anna, id: dropped.id, keepMessages: false)

            #expect(try await world.mailboxes.list(scope).isEmpty)
            let remaining = try await world.messages.list(scope).entries.map(\.message)
            #expect(remaining.map(\.id) == [keptMessages[0].id])
            #expect(remaining[0].mailboxID == nil)
            #expect(try await world.labels.actions(forMessage: keptMessages[0].id, scope: scope).isEmpty, "pending actions cannot run any more")
            let examples = try await world.classifications.corrections(scope)
            #expect(examples.count == 1 && examples[0].messageID == nil, "the training example outlives its message")
        }
    }
}
