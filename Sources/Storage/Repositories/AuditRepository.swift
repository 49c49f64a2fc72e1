import Domain
import FluentKit
import Foundation
import Observability
import SQLKit

/// The audit trail in the database, for browsing and filtering in the UI. The same events also
/// go to the daily JSON-lines file through ``FanOutAuditSink``.
public struct AuditRepository: AuditSink {
    let persistence: Persistence

    public init(persistence: Persistence) {
        self.persistence = persistence
    }

    public func record(_ event: AuditEvent) async {
        await insert([event])
    }

    /// Many events in one statement. The audit trail must never take a request down with it: a
    /// failed insert is logged and the request goes on.
    ///
    /// Written with SQLKit rather than `[AuditEventModel].create`: Fluent reflects over a model's
    /// property wrappers for every row it inserts, and on the page benchmark that reflection cost
    /// more CPU than rendering the page. The binds go through the same driver encoders, so the
    /// rows are identical to what Fluent writes and reads back.
    func insert(_ events: [AuditEvent]) async {
        guard !events.isEmpty else { return }
        do {
            var insert = persistence.sql.insert(into: AuditEventModel.schema)
                .columns("id", "company_id", "user_id", "actor", "kind", "method", "path", "status", "duration_ms", "ip", "details", "created_at")
            for event in events {
                insert = insert.values([
                    SQLBind(UUID()), SQLBind(event.companyID), SQLBind(event.userID), SQLBind(event.actor),
                    SQLBind(event.kind), SQLBind(event.method), SQLBind(event.path), SQLBind(event.status),
                    SQLBind(event.durationMs), SQLBind(event.ip), SQLBind(Self.encode(event.details)), SQLBind(event.time),
                ] as [any SQLExpression])
            }
            try await insert.run()
        } catch {
            persistence.logger.error("audit events not stored", metadata: ["count": .stringConvertible(events.count), "error": .string(String(describing: error))])
        }
    }

    /// A page of events, newest first. Tenant scopes see their own company; the platform sees all.
    public func list(_ scope: TenantScope, filter: AuditFilter, page: Int, pageSize: Int = 50) async throws -> AuditPage {
        let query = AuditEventModel.query(on: persistence.database)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        if let companyID = filter.companyID { query.filter(\.$companyID == companyID) }
        if let kind = filter.kind, !kind.isEmpty { query.filter(\.$kind ~~ kind) }
        if let actor = filter.actor, !actor.isEmpty { query.filter(\.$actor ~~ actor.lowercased()) }
        if let text = filter.pathContains, !text.isEmpty { query.filter(\.$path ~~ text) }
        if let from = filter.from { query.filter(\.$createdAt >= from) }
        if let to = filter.to { query.filter(\.$createdAt < to) }
        let page = max(1, page)
        // One extra row tells whether a next page exists without a COUNT over the whole trail.
        let rows = try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .range(((page - 1) * pageSize)..<(page * pageSize + 1)).all()
        let events = rows.prefix(pageSize).map { model in
            AuditEvent(time: model.createdAt, kind: model.kind, companyID: model.companyID, userID: model.userID,
                       actor: model.actor, method: model.method, path: model.path, status: model.status,
                       durationMs: model.durationMs, ip: model.ip, details: Self.decode(model.details))
        }
        return AuditPage(events: Array(events), page: page, hasNext: rows.count > pageSize)
    }

    /// The details of one company's events of one kind in `[from, to)`, for summaries built
    /// from the trail (the monthly LLM usage is built from `llm.call` events). Only the details
    /// column is read; the company filter is not optional.
    public func details(ofKind kind: String, companyID: UUID, from: Date, to: Date) async throws -> [[String: String]] {
        let rows = try await persistence.sql.raw("""
            SELECT details FROM audit_events
            WHERE company_id = \(bind: companyID) AND kind = \(bind: kind) AND created_at >= \(bind: from) AND created_at < \(bind: to)
            """).all()
        return try rows.map { Self.decode(try $0.decode(column: "details", as: String.self)) }
    }

    static func encode(_ details: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]) ?? [:]
    }
}

public struct AuditFilter: Sendable, Equatable {
    public var companyID: UUID?
    public var kind: String?
    public var actor: String?
    public var pathContains: String?
    public var from: Date?
    public var to: Date?

    public init(companyID: UUID? = nil, kind: String? = nil, actor: String? = nil, pathContains: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.companyID = companyID
        self.kind = kind
        self.actor = actor
        self.pathContains = pathContains
        self.from = from
        self.to = to
    }
}

public struct AuditPage: Sendable {
    public let events: [AuditEvent]
    public let page: Int
    public let hasNext: Bool
}
