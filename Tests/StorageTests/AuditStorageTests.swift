import Domain
import Foundation
import Observability
import Storage
import TestSupport
import Testing

@Suite struct AuditStorageTests {
    static func event(_ kind: String, company: UUID?, at time: Date = Date()) -> AuditEvent {
        AuditEvent(time: time, kind: kind, companyID: company, userID: nil, actor: "anna@a.ru", method: "GET", path: "/x", status: 200,
                   durationMs: 1, ip: "127.0.0.1", details: ["k": "v"])
    }

    @Test func batchedWriterStoresNothingUntilItFlushesThenEverything() async throws {
        try await TestDatabase.with { db in
            let repository = AuditRepository(persistence: db)
            let writer = BatchedAuditWriter(repository: repository, interval: .seconds(3600), maxBatch: 1_000)
            let company = UUID()
            for index in 0..<120 { await writer.record(Self.event("e\(index)", company: company)) }
            let scope = TenantScope.tenant(TenantMember(companyID: company, userID: UUID(), role: .owner))
            let before = try await repository.list(scope, filter: AuditFilter(), page: 1).events
            #expect(before.isEmpty)
            await writer.flush()
            let stored = try await repository.list(scope, filter: AuditFilter(), page: 1, pageSize: 500).events
            #expect(stored.count == 120)
            #expect(stored.first?.details == ["k": "v"])
        }
    }

    @Test func aFullBatchIsWrittenWithoutWaitingForTheTimer() async throws {
        try await TestDatabase.with { db in
            let repository = AuditRepository(persistence: db)
            let writer = BatchedAuditWriter(repository: repository, interval: .seconds(3600), maxBatch: 10)
            let company = UUID()
            for index in 0..<25 { await writer.record(Self.event("e\(index)", company: company)) }
            let scope = TenantScope.tenant(TenantMember(companyID: company, userID: UUID(), role: .owner))
            // Written by a task of the writer's own, not by the timer (an hour away): the full
            // batches arrive within moments, whatever the last partial one does.
            var stored = try await repository.list(scope, filter: AuditFilter(), page: 1).events
            for _ in 0..<100 where stored.count < 20 {
                try await Task.sleep(for: .milliseconds(50))
                stored = try await repository.list(scope, filter: AuditFilter(), page: 1).events
            }
            #expect(stored.count >= 20 && stored.count <= 25)
        }
    }

    @Test func listingIsScopedFilteredAndPaged() async throws {
        try await TestDatabase.with { db in
            let repository = AuditRepository(persistence: db)
            let a = UUID(), b = UUID()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0..<60 { await repository.record(Self.event(index % 2 == 0 ? "user.added" : "http.request", company: a, at: start.addingTimeInterval(Double(index)))) }
            await repository.record(Self.event("user.added", company: b))
            let scopeA = TenantScope.tenant(TenantMember(companyID: a, userID: UUID(), role: .admin))
            let first = try await repository.list(scopeA, filter: AuditFilter(), page: 1, pageSize: 25)
            #expect(first.events.count == 25 && first.hasNext)
            #expect(first.events.first?.time == start.addingTimeInterval(59), "newest first")
            let last = try await repository.list(scopeA, filter: AuditFilter(), page: 3, pageSize: 25)
            #expect(last.events.count == 10 && !last.hasNext)
            let added = try await repository.list(scopeA, filter: AuditFilter(kind: "user.added"), page: 1, pageSize: 100)
            #expect(added.events.count == 30)
            let window = try await repository.list(scopeA, filter: AuditFilter(from: start.addingTimeInterval(10), to: start.addingTimeInterval(20)), page: 1)
            #expect(window.events.count == 10)
            let platform = try await repository.list(.platform(userID: UUID()), filter: AuditFilter(kind: "user.added"), page: 1, pageSize: 100)
            #expect(platform.events.count == 31, "the platform reads every tenant")
        }
    }
}
