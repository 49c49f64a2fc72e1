import Foundation
import Observability
import ServiceLifecycle

/// Writes audit events to the database in batches: one transaction every quarter second instead
/// of one insert per HTTP request, which on SQLite's single writer halved page throughput.
/// The daily audit file is written synchronously beside it, so a crash loses at most the last
/// quarter second of the *database copy*, never of the trail itself. Graceful shutdown flushes.
///
/// A full batch is written at once, by a task of its own: the request whose event filled it
/// does not wait for the insert (it did, and those inserts were the slowest percentile of every
/// page). Only if the database falls so far behind that `maxPending` events wait does recording
/// wait for a write, so memory stays bounded.
public actor BatchedAuditWriter: AuditSink, Service {
    private let repository: AuditRepository
    private let interval: Duration
    private let maxBatch: Int
    private let maxPending: Int
    private var pending: [AuditEvent] = []
    /// A task is writing full batches.
    private var draining = false

    public init(repository: AuditRepository, interval: Duration = .milliseconds(250), maxBatch: Int = 500) {
        self.repository = repository
        self.interval = interval
        self.maxBatch = maxBatch
        maxPending = maxBatch * 20
    }

    public func record(_ event: AuditEvent) async {
        pending.append(event)
        if pending.count >= maxPending {
            await flush()
        } else if pending.count >= maxBatch, !draining {
            draining = true
            Task { await self.drain() }
        }
    }

    /// Writes everything pending now.
    public func flush() async {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        await repository.insert(batch)
    }

    private func drain() async {
        while pending.count >= maxBatch { await flush() }
        draining = false
    }

    public nonisolated func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await flush()
        }
        // A batch being written by `drain` is out of `pending` already: wait for it, then write the rest.
        while await draining { try? await Task.sleep(for: .milliseconds(10)) }
        await flush()
    }
}
