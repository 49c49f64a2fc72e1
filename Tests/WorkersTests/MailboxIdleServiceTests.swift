import Domain
import Foundation
import MailProtocols
import Storage
import TestSupport
import Testing
@testable import Workers

/// The IDLE watchers against the real Dovecot: new mail in an idled folder queues a sync at
/// once, a paused mailbox's watcher stops, and cancelling the service ends every IDLE cleanly.
@Suite(.timeLimit(.minutes(3))) struct MailboxIdleServiceTests {
    static let quick = MailboxIdleService.Configuration(
        refreshInterval: .milliseconds(300), initialBackoff: .milliseconds(200), maximumBackoff: .seconds(2), syncDelay: .milliseconds(10))

    @Test func newMailQueuesASyncAndAPausedMailboxIsNoLongerWatched() async throws {
        try await DovecotFolder.with("Idle", count: 2) { server, helper, folder, corpus in
            try await TestDatabase.with { db in
                let world = try PipelineWorld(db)
                let member = try await world.tenant()
                let mailbox = try await world.dovecotMailbox(member, server)
                let service = world.pipeline(folder: folder).idleService(configuration: Self.quick)
                let running = Task { try await service.run() }

                // The watcher may still be logging in when the first message lands: append until
                // an EXISTS is heard.
                var queued: Job?
                for round in 0..<10 where queued == nil {
                    let arrival = try #require(PipelineCorpus.messages(tag: "\(folder)-\(round)", count: 2).first)
                    try await helper.append(mailbox: folder, message: arrival.bytes)
                    queued = try await Self.nextSync(world.queue, within: .seconds(3))
                }
                let job = try #require(queued, "new mail in the idled folder should queue a sync")
                #expect(job.companyID == member.companyID)
                #expect(try JSONDecoder().decode(InboxJobs.SyncPayload.self, from: Data(job.payload.utf8)).mailboxID == mailbox.id)

                // Paused: the next refresh stops the watcher, and new mail queues nothing.
                _ = try await world.mailboxes.pause(member, id: mailbox.id)
                try await Task.sleep(for: .seconds(1.5))
                while try await world.queue.claim(worker: "idle-test", lease: 60, kinds: [InboxJobs.syncKind]) != nil {}
                try await helper.append(mailbox: folder, message: corpus[0].bytes)
                #expect(try await Self.nextSync(world.queue, within: .seconds(2)) == nil)

                running.cancel()
                let ended = await running.result
                #expect((try? ended.get()) != nil, "the service ends without an error when cancelled")
            }
        }
    }

    @Test func backoffDoublesUpToItsLimit() {
        let configuration = MailboxIdleService.Configuration(initialBackoff: .seconds(5), maximumBackoff: .seconds(60))
        let pauses = (1...6).map { MailboxIdleService.backoff(afterFailures: $0, configuration: configuration) }
        #expect(pauses == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
    }

    @Test func onlyActiveIMAPMailboxesAreWatched() throws {
        func mailbox(_ kind: MailboxKind, _ status: MailboxSyncStatus) -> Mailbox {
            let connection: MailboxConnection = kind == .exchange
                ? .exchange(ExchangeSettings(ewsURL: nil, auth: .automatic))
                : .imap(.gmail)
            return Mailbox(
                id: UUID(), companyID: UUID(), kind: kind, displayName: "x", address: EmailAddress("a@b.ru")!, username: "a@b.ru",
                connection: connection, status: status, lastSyncAt: nil, lastError: nil, messagesStored: 0,
                importWindowDays: 14, createdAt: Date(), updatedAt: Date())
        }
        #expect(MailboxIdleService.isWatched(mailbox(.gmail, .connected)))
        #expect(MailboxIdleService.isWatched(mailbox(.imap, .new)))
        #expect(MailboxIdleService.isWatched(mailbox(.imap, .syncing)))
        #expect(!MailboxIdleService.isWatched(mailbox(.imap, .paused)))
        #expect(!MailboxIdleService.isWatched(mailbox(.imap, .error)))
        #expect(!MailboxIdleService.isWatched(mailbox(.exchange, .connected)))
    }

    /// Claims the next due sync job, waiting up to `timeout` for one.
    static func nextSync(_ queue: JobQueue, within timeout: Duration) async throws -> Job? {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if let job = try await queue.claim(worker: "idle-test", lease: 60, kinds: [InboxJobs.syncKind]) { return job }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return nil
    }
}
