import Domain
import Foundation
import MailProtocols
import Storage
import TestSupport
import Testing
@testable import Workers

/// The label job with scripted connectors: messages that only want labels go through the
/// batched call, one per label set; a message's failure in a batch is settled for it alone, as
/// a single call's would be; whatever fails the whole batch counts against every action in it or
/// stops the run; messages that are also marked read or moved still go one by one, in order.
@Suite(.timeLimit(.minutes(5))) struct InboxLabelJobTests {
    @Test func messagesWithTheSameLabelsGoThroughOneBatchedCall() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let (mailbox, messages) = try await Self.mailbox(world, member, count: 41)
            var actions: [NewLabelAction] = []
            for message in messages[0..<30] { actions.append(.applyLabel("Лид", to: message.id)) }
            for (index, message) in messages[30..<40].enumerated() {
                // The same two labels, recorded in either order: one label set.
                let pair = index.isMultiple(of: 2) ? ["Lead", "Горячий"] : ["Горячий", "Lead"]
                actions += pair.map { NewLabelAction.applyLabel($0, to: message.id) }
            }
            // Another spelling is another keyword on IMAP, so another batch.
            actions.append(.applyLabel("лид", to: messages[40].id))
            try await world.labels.enqueue(actions, companyID: member.companyID)

            let scripted = ScriptedMailbox(count: 1, batchSize: 1)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)

            let batches = await scripted.batches
            #expect(batches.count == 3)
            #expect(Set(batches.map(\.labels)) == [["Лид"], ["Lead", "Горячий"], ["лид"]])
            #expect(Set(batches.first { $0.labels == ["Лид"] }?.items ?? []) == Set(messages[0..<30].map(Self.item)))
            #expect(batches.first { $0.labels == ["Лид"] }?.items.count == 30)
            #expect(Set(batches.first { $0.labels == ["Lead", "Горячий"] }?.items ?? []) == Set(messages[30..<40].map(Self.item)))
            #expect(batches.first { $0.labels == ["лид"] }?.items == [Self.item(messages[40])])
            #expect(await scripted.applied.isEmpty, "no message went one by one")

            let all = try await world.actions(member)
            #expect(all.count == 51)
            #expect(all.allSatisfy { $0.status == .done && $0.attempts == 0 })
            #expect(world.audit.of(kind: "inbox.labelled").map { $0.details["done"] } == ["51"])
        }
    }

    @Test func aFailureInABatchIsSettledForItsMessageAlone() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let (mailbox, messages) = try await Self.mailbox(world, member, count: 4)
            try await world.labels.enqueue(messages.map { NewLabelAction.applyLabel("Lead", to: $0.id) }, companyID: member.companyID)

            let scripted = ScriptedMailbox(count: 1, batchSize: 1)
            let gone = Self.item(messages[1])
            let busy = Self.item(messages[2])
            await scripted.failOnce(gone, with: IMAPConnectorError.itemNotFound(gone))
            await scripted.failOnce(busy, with: EWSError.itemError(code: "ErrorInternalServerError", message: "try again later"))
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            await #expect(throws: LabelActionsPending.self) {
                try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            }

            #expect(await scripted.batches.count == 1)
            #expect(await scripted.batches.first?.items.count == 4)
            let first = try await Self.labelAction(world, member, messages)
            #expect(first[0].status == .done)
            #expect(first[3].status == .done)
            // The message is gone: failed at once, as after a single call.
            #expect(first[1].status == .failed)
            #expect(first[1].attempts == 1)
            #expect(first[1].lastError.map(MailProblem.englishText(stored:)) == "The mailbox refused the request: the message \(gone.rawValue) is no longer in the mailbox.")
            // Exchange's passing error: pending for another attempt.
            #expect(first[2].status == .pending)
            #expect(first[2].attempts == 1)
            #expect(first[2].lastError.map(MailProblem.englishText(stored:))?.contains("ErrorInternalServerError") == true, "\(first[2].lastError ?? "nil")")
            let tally = try #require(world.audit.of(kind: "inbox.labelled").first)
            #expect(tally.details["done"] == "2")
            #expect(tally.details["failed"] == "1")
            #expect(tally.details["retrying"] == "1")

            // The retry takes only what is pending.
            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            #expect(await scripted.batches.count == 2)
            #expect(await scripted.batches.last?.items == [busy])
            let second = try await Self.labelAction(world, member, messages)
            #expect(second.map(\.status) == [.done, .failed, .done, .done])
        }
    }

    @Test func whatFailsTheWholeBatchCountsForEveryActionOrStopsTheRun() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let (mailbox, messages) = try await Self.mailbox(world, member, count: 3)
            try await world.labels.enqueue(messages.map { NewLabelAction.applyLabel("Lead", to: $0.id) }, companyID: member.companyID)
            let scripted = ScriptedMailbox(count: 1, batchSize: 1)
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))

            // The folder keeps no keywords (yet): a failed attempt for every action, to be retried.
            await scripted.failNextBatch(with: IMAPConnectorError.labelsNotSupported(folder: "INBOX", reason: "the folder is read-only"))
            await #expect(throws: LabelActionsPending.self) {
                try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            }
            let afterRefusal = try await Self.labelAction(world, member, messages)
            #expect(afterRefusal.map(\.status) == [.pending, .pending, .pending])
            #expect(afterRefusal.map(\.attempts) == [1, 1, 1])

            // The connection broke: the run stops and no attempt is counted.
            await scripted.failNextBatch(with: IMAPError.connectionLost("scripted drop"))
            await #expect(throws: IMAPError.connectionLost("scripted drop")) {
                try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            }
            let afterDrop = try await Self.labelAction(world, member, messages)
            #expect(afterDrop.map(\.status) == [.pending, .pending, .pending])
            #expect(afterDrop.map(\.attempts) == [1, 1, 1])
            #expect(await scripted.batches.count == 2)

            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            #expect(try await Self.labelAction(world, member, messages).map(\.status) == [.done, .done, .done])
        }
    }

    @Test func messagesThatAreAlsoReadOrMovedGoOneByOneInOrder() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let (mailbox, messages) = try await Self.mailbox(world, member, count: 4)
            let (labelAndMove, labelOnly, everything, failingLabel) = (messages[0], messages[1], messages[2], messages[3])
            try await world.labels.enqueue([
                .move(labelAndMove.id, to: "Archive"), .applyLabel("Lead", to: labelAndMove.id),
                .applyLabel("Lead", to: labelOnly.id),
                .move(everything.id, to: "Archive"), .markRead(everything.id), .applyLabel("Lead", to: everything.id),
                .applyLabel("Lead", to: failingLabel.id), .move(failingLabel.id, to: "Archive"),
            ], companyID: member.companyID)

            let scripted = ScriptedEditingMailbox()
            await scripted.failLabels(of: Self.item(failingLabel), with: IMAPConnectorError.labelsNotSupported(folder: "INBOX", reason: "scripted"))
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            await #expect(throws: LabelActionsPending.self) {
                try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            }

            let calls = await scripted.calls
            // Only the message that wants nothing but its label is in a batch.
            #expect(calls.filter { $0.item == nil } == [.batch(["Lead"], [Self.item(labelOnly)])])
            func callsAbout(_ message: InboundMessage) -> [ScriptedEditingMailbox.Call] {
                calls.filter { $0.item == Self.item(message) }
            }
            #expect(callsAbout(labelAndMove) == [.labels(["Lead"], Self.item(labelAndMove)), .move(Self.item(labelAndMove), "Archive")])
            #expect(callsAbout(everything) == [
                .labels(["Lead"], Self.item(everything)), .markRead(Self.item(everything)), .move(Self.item(everything), "Archive"),
            ])
            // Its label is to be retried, so the move (which renumbers it) waits.
            #expect(callsAbout(failingLabel) == [.labels(["Lead"], Self.item(failingLabel))])

            let byKind = try await world.labels.actions(forMessage: failingLabel.id, scope: .tenant(member))
            #expect(byKind.map(\.kind) == [.applyLabel, .move])
            #expect(byKind.map(\.status) == [.pending, .pending])
            #expect(byKind.map(\.attempts) == [1, 0])
            for message in [labelAndMove, labelOnly, everything] {
                let done = try await world.labels.actions(forMessage: message.id, scope: .tenant(member))
                #expect(!done.isEmpty && done.allSatisfy { $0.status == .done }, "\(message.providerItemID)")
            }
        }
    }

    @Test func aMoveToAFolderTheMailboxCannotTellFailsAtOnceInPlainWords() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let (mailbox, messages) = try await Self.mailbox(world, member, count: 3)
            try await world.labels.enqueue([
                .applyLabel("Lead", to: messages[0].id), .move(messages[0].id, to: "Нет такой"),
                .move(messages[1].id, to: "Счета"),
                .move(messages[2].id, to: "Архив"),
            ], companyID: member.companyID)

            let scripted = ScriptedEditingMailbox()
            await scripted.failMoves(to: "Нет такой", with: EWSFolderLookupError.notFound(path: "Нет такой"))
            await scripted.failMoves(to: "Счета", with: EWSFolderLookupError.ambiguous(path: "Счета", name: "Счета", count: 2))
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            // Nothing is left to retry, so the run ends without an error.
            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)

            // One message's failure stops none of the others.
            let calls = await scripted.calls
            let moves = calls.filter { call in
                if case .move = call { return true }
                return false
            }
            #expect(Set(moves.compactMap(\.item)) == Set(messages.map(Self.item)))

            let first = try await world.labels.actions(forMessage: messages[0].id, scope: .tenant(member))
            #expect(first.first { $0.kind == .applyLabel }?.status == .done)
            let missing = try #require(first.first { $0.kind == .move })
            #expect(missing.status == .failed)
            #expect(missing.attempts == 1)
            #expect(missing.lastError.map(MailProblem.englishText(stored:)) == "There is no folder \"Нет такой\" in the Exchange mailbox. Create it in Outlook, or change the folder in the category's rule.")
            let ambiguous = try #require(try await world.labels.actions(forMessage: messages[1].id, scope: .tenant(member)).first)
            #expect(ambiguous.status == .failed)
            #expect(ambiguous.attempts == 1)
            #expect(ambiguous.lastError.map(MailProblem.englishText(stored:)) == "The Exchange mailbox has 2 folders called \"Счета\". In the category's rule, give the folder's path from the top of the mailbox, for example Inbox/Счета.")
            #expect(try await world.labels.actions(forMessage: messages[2].id, scope: .tenant(member)).map(\.status) == [.done])

            // The actions failed, not the mailbox.
            let after = try await world.mailboxes.find(mailbox.id, companyID: member.companyID)
            #expect(after.lastError == nil)
            let tally = try #require(world.audit.of(kind: "inbox.labelled").first)
            #expect(tally.details["done"] == "2")
            #expect(tally.details["failed"] == "2")
            #expect(tally.details["retrying"] == "0")
        }
    }

    @Test func aMoveRecordsWhereTheMessageWentAndWhatComesLaterFollowsIt() async throws {
        try await TestDatabase.with { db in
            let world = try PipelineWorld(db)
            let member = try await world.tenant()
            let (mailbox, messages) = try await Self.mailbox(world, member, count: 2)
            let (tracked, untracked) = (messages[0], messages[1])
            try await world.labels.enqueue([
                .applyLabel("Lead", to: tracked.id), .move(tracked.id, to: "Archive"),
                .move(untracked.id, to: "Lost"),
            ], companyID: member.companyID)
            let scripted = ScriptedEditingMailbox()
            await scripted.loseTrackOfMoves(to: "Lost")
            let pipeline = world.pipeline(connectors: FixedConnectors(connector: scripted))
            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)

            // Where each went is stored with its move done; the id the sync knows it by stays.
            let moved = try await world.messages.messages([tracked.id, untracked.id], companyID: member.companyID)
            #expect(moved.map(\.movedTo) == [
                MessageLocation(folder: "Archive", itemID: "imap:7:1:Archive"), MessageLocation(folder: "Lost", itemID: nil),
            ])
            #expect(moved.map(\.providerItemID) == ["imap:7:1", "imap:7:2"])
            let lostMove = try #require(try await world.labels.actions(forMessage: untracked.id, scope: .tenant(member)).first)
            #expect(lostMove.status == .done)
            #expect(lostMove.lastError == MovedMessageText.untracked(folder: "Lost", reason: "the scripted server kept it to itself"))
            #expect(try await world.actions(member).allSatisfy { $0.status == .done })

            // A job again moves nothing again.
            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            func moves() async -> [ScriptedEditingMailbox.Call] {
                let calls = await scripted.calls
                return calls.filter { call in
                    if case .move = call { return true }
                    return false
                }
            }
            let movesMade = await moves()
            #expect(movesMade.count == 2)
            #expect(movesMade.contains(.move(Self.item(tracked), "Archive")))
            #expect(movesMade.contains(.move(Self.item(untracked), "Lost")))

            // A label planned later (a corrected category) is written where the message is now;
            // for the message nobody can find, it fails at once in plain words.
            try await world.labels.enqueue([.applyLabel("Счёт", to: tracked.id), .applyLabel("Счёт", to: untracked.id)], companyID: member.companyID)
            try await Self.runLabelJob(pipeline, mailbox: mailbox, member: member)
            let lastCall = await scripted.calls.last
            #expect(lastCall == ScriptedEditingMailbox.Call.batch(["Счёт"], [MailboxItemID("imap:7:1:Archive")]))
            let label = try #require(try await world.labels.actions(forMessage: untracked.id, scope: .tenant(member)).first { $0.kind == .applyLabel })
            #expect(label.status == .failed)
            #expect(label.attempts == 1)
            #expect(label.lastError == MovedMessageText.unreachable(folder: "Lost"))
            #expect(await moves().count == 2)
        }
    }

    // MARK: Helpers

    /// An offline mailbox with `count` stored messages, `imap:7:1` … `imap:7:<count>`, in that order.
    static func mailbox(_ world: PipelineWorld, _ member: TenantMember, count: Int) async throws -> (Mailbox, [InboundMessage]) {
        let mailbox = try await world.offlineMailbox(member)
        let new = (1...count).map { number in
            NewInboundMessage(
                providerItemID: "imap:7:\(number)", messageID: "label-\(number)@buyer.ru", fromAddress: "ivan@buyer.ru", fromName: nil,
                toAddresses: ["sales@romashka.ru"], subject: "Заявка \(number)", snippet: "Просим КП", receivedAt: Date())
        }
        let stored = try await world.messages.store(new, companyID: member.companyID, mailboxID: mailbox.id)
        var byItem: [String: InboundMessage] = [:]
        for message in stored { byItem[message.providerItemID] = message }
        var ordered: [InboundMessage] = []
        for number in 1...count { ordered.append(try #require(byItem["imap:7:\(number)"])) }
        return (mailbox, ordered)
    }

    static func item(_ message: InboundMessage) -> MailboxItemID {
        MailboxItemID(message.providerItemID)
    }

    /// Runs the label job once, as a worker would, for the mailbox.
    static func runLabelJob(_ pipeline: InboxPipeline, mailbox: Mailbox, member: TenantMember) async throws {
        let job = PipelineWorld.job(InboxJobs.label(mailboxID: mailbox.id, companyID: member.companyID))
        try await pipeline.label.run(job, context: PipelineWorld.context)
    }

    /// The one label action of each message, in the messages' order.
    static func labelAction(_ world: PipelineWorld, _ member: TenantMember, _ messages: [InboundMessage]) async throws -> [LabelAction] {
        var actions: [LabelAction] = []
        for message in messages {
            let recorded = try await world.labels.actions(forMessage: message.id, scope: .tenant(member))
            try #require(recorded.count == 1)
            actions.append(recorded[0])
        }
        return actions
    }
}
