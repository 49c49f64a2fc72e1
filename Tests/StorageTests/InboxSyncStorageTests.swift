import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// What the inbox sync worker needs of Storage beyond storing: moving stored messages to the ids
/// a renumbered folder gives them (their done labels to be written again there), and polling schedules that are per tenant, can be removed, and
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
            #expect(moved.moved == 1, "only the id that changed moves")
            #expect(try await world.messages.find(stored[0].id, scope: .tenant(anna)).providerItemID == "imap:2:5")
            #expect(try await world.messages.find(stored[1].id, scope: .tenant(anna)).providerItemID == "imap:1:2")

            // Another mailbox of the tenant seeing the same Message-ID changes nothing.
            #expect(try await world.messages.updateProviderItemIDs(["one@buyer.ru": "imap:9:9"], companyID: anna.companyID, mailboxID: info.id).moved == 0)
            #expect(try await world.messages.find(stored[0].id, scope: .tenant(anna)).providerItemID == "imap:2:5")

            // Re-storing under the new id stores nothing new.
            let again = try await world.messages.store([world.message("imap:2:5", messageID: "one@buyer.ru")], companyID: anna.companyID, mailboxID: sales.id)
            #expect(again.isEmpty)
        }
    }

    @Test func movedMessagesGetTheirDoneLabelsPendingAgainAndNothingElseChanges() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lyutik.ru", company: "Лютик")
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let lyutik = try await world.mailbox(boris, "sales@lyutik.ru")
            let stored = try await world.messages.store([
                world.message("imap:1:1", messageID: "one@buyer.ru"),
                world.message("imap:1:2", messageID: "two@buyer.ru"),
                world.message("imap:1:3", messageID: "three@buyer.ru"),
            ], companyID: anna.companyID, mailboxID: sales.id)
            try #require(stored.count == 3)
            let (one, two, three) = (stored[0].id, stored[1].id, stored[2].id)
            // Another tenant has a message with the same Message-ID, labelled.
            let theirs = try #require(try await world.messages.store(
                [world.message("imap:1:1", messageID: "one@buyer.ru")], companyID: boris.companyID, mailboxID: lyutik.id).first)

            let actions = try await world.labels.enqueue([
                NewLabelAction(messageID: one, kind: .applyLabel, label: "Лид"),
                NewLabelAction(messageID: one, kind: .markRead, label: ""),
                NewLabelAction(messageID: one, kind: .move, label: "Архив"),
                NewLabelAction(messageID: one, kind: .applyLabel, label: "Счёт"),
                NewLabelAction(messageID: two, kind: .applyLabel, label: "Клиент"),
                NewLabelAction(messageID: two, kind: .applyLabel, label: "Срочно"),
                NewLabelAction(messageID: three, kind: .applyLabel, label: "Лид"),
            ], companyID: anna.companyID)
            try #require(actions.count == 7)
            let theirActions = try await world.labels.enqueue([NewLabelAction(messageID: theirs.id, kind: .applyLabel, label: "Лид")],
                                                              companyID: boris.companyID)
            func actionID(_ message: UUID, _ kind: LabelActionKind, _ label: String) throws -> UUID {
                try #require(actions.first { $0.messageID == message && $0.kind == kind && $0.label == label }?.id)
            }
            let oneLabel = try actionID(one, .applyLabel, "Лид")
            let oneRead = try actionID(one, .markRead, "")
            let oneMove = try actionID(one, .move, "Архив")
            let oneFailed = try actionID(one, .applyLabel, "Счёт")
            let twoLabel = try actionID(two, .applyLabel, "Клиент")
            let twoPending = try actionID(two, .applyLabel, "Срочно")
            let threeLabel = try actionID(three, .applyLabel, "Лид")
            // "Лид" of message one failed once before it was done: its attempt count must go.
            _ = try await world.labels.markFailed(oneLabel, companyID: anna.companyID, error: "server busy")
            try await world.labels.markDone([oneLabel, oneRead, oneMove, twoLabel, threeLabel], companyID: anna.companyID)
            _ = try await world.labels.markFailed(oneFailed, companyID: anna.companyID, error: "no such keyword", maximumAttempts: 1)
            _ = try await world.labels.markFailed(twoPending, companyID: anna.companyID, error: "server busy")
            try await world.labels.markDone(theirActions.map(\.id), companyID: boris.companyID)
            let doneAt = world.clock.now()

            // Messages one and two were renumbered; three kept its id.
            world.clock.advance(by: 60)
            let result = try await world.messages.updateProviderItemIDs(
                ["one@buyer.ru": "imap:2:1", "two@buyer.ru": "imap:2:2", "three@buyer.ru": "imap:1:3"],
                companyID: anna.companyID, mailboxID: sales.id)
            #expect(result == ProviderItemIDMoves(moved: 2, labelsReapplied: 2))

            var after: [UUID: LabelAction] = [:]
            for message in [one, two, three] {
                for action in try await world.labels.actions(forMessage: message, scope: .tenant(anna)) { after[action.id] = action }
            }
            let reopened = try #require(after[oneLabel])
            #expect(reopened.status == .pending)
            #expect(reopened.attempts == 0)
            #expect(reopened.lastError == nil)
            #expect(reopened.doneAt == nil)
            #expect(reopened.updatedAt == world.clock.now())
            #expect(after[twoLabel]?.status == .pending)
            // Mark-as-read and the move stay done, the failed label failed, the pending one as it was.
            #expect(after[oneRead]?.status == .done)
            #expect(after[oneRead]?.doneAt == doneAt)
            #expect(after[oneMove]?.status == .done)
            #expect(after[oneFailed]?.status == .failed)
            #expect(after[oneFailed]?.lastError == "no such keyword")
            #expect(after[twoPending]?.status == .pending)
            #expect(after[twoPending]?.attempts == 1)
            #expect(after[twoPending]?.lastError == "server busy")
            // The message that did not move keeps its done label; so does the other tenant's.
            #expect(after[threeLabel]?.status == .done)
            let theirsAfter = try await world.labels.actions(forMessage: theirs.id, scope: .tenant(boris))
            #expect(theirsAfter.map(\.status) == [.done])
            let pending = try await world.labels.pending(mailboxID: sales.id, companyID: anna.companyID)
            #expect(Set(pending.map(\.id)) == [oneLabel, twoLabel, twoPending])

            // Done again under the new ids, the same ids once more change nothing.
            try await world.labels.markDone([oneLabel, twoLabel], companyID: anna.companyID)
            let again = try await world.messages.updateProviderItemIDs(
                ["one@buyer.ru": "imap:2:1", "two@buyer.ru": "imap:2:2"], companyID: anna.companyID, mailboxID: sales.id)
            #expect(again == ProviderItemIDMoves(moved: 0, labelsReapplied: 0))
            #expect(try await world.labels.actions(forMessage: one, scope: .tenant(anna)).first { $0.id == oneLabel }?.status == .done)
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

    @Test func aSchedulesIntervalIsReadAndChangedWithoutReviving() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let queue = JobQueue(persistence: db, clock: world.clock)
            #expect(try await queue.scheduledInterval(key: "poll.1") == nil)
            try await queue.changeInterval(key: "poll.1", every: 300)
            #expect(try await queue.isScheduled(key: "poll.1") == false, "changing the interval creates no schedule")

            try await queue.schedule(key: "poll.1", kind: "k", every: 60, companyID: anna.companyID)
            #expect(try await queue.scheduledInterval(key: "poll.1") == 60)
            let job = try #require(try await queue.claim(worker: "w", lease: 30))
            try await queue.bury(job.id, worker: "w", error: "login refused")
            try await queue.changeInterval(key: "poll.1", every: 300)
            #expect(try await queue.scheduledInterval(key: "poll.1") == 300)
            #expect(try await queue.find(job.id)?.status == .dead, "only scheduling again revives a buried schedule")

            // A revived schedule runs again at its new interval after its run.
            try await queue.schedule(key: "poll.1", kind: "k", every: 300, companyID: anna.companyID)
            let again = try #require(try await queue.claim(worker: "w", lease: 30))
            try await queue.complete(again.id, worker: "w")
            #expect(try await queue.find(job.id)?.runAt == world.clock.now().addingTimeInterval(300))
        }
    }
}
