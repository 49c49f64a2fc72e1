import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// What the inbox sync worker needs of Storage beyond storing: moving stored messages to the ids
/// a renumbered folder gives them, and polling schedules that are per tenant, can be removed, and
/// come back after a permanent failure. Runs on both engines.
@Suite struct InboxSyncStorageTests {
    @Test func storedMessagesMoveToTheirNewProviderIDsOnlyInTheirOwnMailbox() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let info = try await world.mailbox(anna, "info@romashka.ru")
            let stored = try await world.messages.store([
                world.message("imap:1:1", messageID: "one@buyer.ru"),
                world.message("imap:1:2", messageID: "two@buyer.ru"),
            ], companyID: anna.companyID, mailboxID: sales.id)
            try #require(stored.count == 2)

            // The folder was renumbered (UIDVALIDITY 2): the same messages come under new ids.
            let moved = try await world.messages.updateProviderItemIDs(
                ["<one@buyer.ru>": "imap:2:5", "two@buyer.ru": "imap:1:2", "absent@buyer.ru": "imap:2:9"],
                companyID: anna.companyID, mailboxID: sales.id)
            #expect(moved == 1, "only the id that changed moves")
            #expect(try await world.messages.find(stored[0].id, scope: .tenant(anna)).providerItemID == "imap:2:5")
            #expect(try await world.messages.find(stored[1].id, scope: .tenant(anna)).providerItemID == "imap:1:2")

            // Another mailbox of the tenant seeing the same Message-ID changes nothing.
            #expect(try await world.messages.updateProviderItemIDs(["one@buyer.ru": "imap:9:9"], companyID: anna.companyID, mailboxID: info.id) == 0)
            #expect(try await world.messages.find(stored[0].id, scope: .tenant(anna)).providerItemID == "imap:2:5")

            // Re-storing under the new id stores nothing new.
            let again = try await world.messages.store([world.message("imap:2:5", messageID: "one@buyer.ru")], companyID: anna.companyID, mailboxID: sales.id)
            #expect(again.isEmpty)
        }
    }

    @Test func theFollowUpJobsOfNewMessagesAreQueuedWithThem() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let queue = JobQueue(persistence: db)
            let followUp: @Sendable ([InboundMessage]) -> [NewJob] = { stored in
                [NewJob(kind: "test.classify", companyID: anna.companyID, payload: "{\"count\":\(stored.count)}")]
            }
            let stored = try await world.messages.store(
                [world.message("imap:1:1", messageID: "one@buyer.ru"), world.message("imap:1:2", messageID: "two@buyer.ru")],
                companyID: anna.companyID, mailboxID: sales.id, followUp: followUp)
            #expect(stored.count == 2)
            #expect(try await queue.counts(.tenant(anna))[.queued] == 1)

            // Nothing new, no job; a store that fails queues nothing either.
            _ = try await world.messages.store([world.message("imap:1:1", messageID: "one@buyer.ru")],
                                               companyID: anna.companyID, mailboxID: sales.id, followUp: followUp)
            await #expect(throws: StorageError.self) {
                _ = try await world.messages.store([world.message("imap:1:3", messageID: "three@buyer.ru")],
                                                   companyID: anna.companyID, mailboxID: UUID(), followUp: followUp)
            }
            #expect(try await queue.counts(.tenant(anna))[.queued] == 1)
        }
    }

    @Test func aScheduleCarriesItsTenantCanBeRemovedAndComesBackWhenBuried() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let queue = JobQueue(persistence: db, clock: world.clock)
            try await queue.schedule(key: "poll.1", kind: "k", every: 60, payload: #"{"a":1}"#, companyID: anna.companyID)
            #expect(try await queue.isScheduled(key: "poll.1"))
            let job = try #require(try await queue.claim(worker: "w", lease: 30))
            #expect(job.companyID == anna.companyID)
            #expect(job.payload == #"{"a":1}"#)

            try await queue.bury(job.id, worker: "w", error: "login refused")
            #expect(try await queue.find(job.id)?.status == .dead)
            // Scheduling again (nothing else changed) revives it, due now, with fresh attempts.
            world.clock.advance(by: 30)
            try await queue.schedule(key: "poll.1", kind: "k", every: 60, payload: #"{"a":1}"#, companyID: anna.companyID)
            let revived = try #require(try await queue.find(job.id))
            #expect(revived.status == .queued)
            #expect(revived.runAt == world.clock.now())
            #expect(revived.attempts == 0)
            #expect(revived.lastError == nil)

            // A new payload replaces the old one; the row stays one.
            try await queue.schedule(key: "poll.1", kind: "k", every: 60, payload: #"{"a":2}"#, companyID: anna.companyID)
            #expect(try await queue.find(job.id)?.payload == #"{"a":2}"#)
            #expect(try await queue.counts(nil)[.queued] == 1)

            try await queue.unschedule(key: "poll.1")
            #expect(try await queue.isScheduled(key: "poll.1") == false)
            #expect(try await queue.find(job.id) == nil)
            try await queue.unschedule(key: "poll.1")
        }
    }
}
