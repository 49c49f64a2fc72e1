import Domain
import FluentKit
import Foundation
import SQLKit

/// Verdicts on messages (one current verdict per message) and people's corrections of them,
/// which double as training examples for the tenant's embedded classifier.
public struct ClassificationRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    static let chunkSize = 50
    /// The most training examples handed to the embedded classifier.
    public static let maximumTrainingExamples = 5_000

    // MARK: Classify worker

    /// Saves a classify job's verdicts and returns the current verdict of every message it
    /// named (in the order given): what the label planner should act on.
    ///
    /// An upsert per message, so running the job again changes nothing that is already so. A
    /// verdict never replaces a person's correction. Messages of other tenants are skipped; a
    /// category that is not the tenant's (deleted meanwhile) is saved as "no category, needs review".
    @discardableResult
    public func save(_ verdicts: [NewClassification], companyID: UUID) async throws -> [MessageClassification] {
        let now = clock.now()
        var latest: [UUID: NewClassification] = [:]
        for verdict in verdicts { latest[verdict.messageID] = verdict }
        let order = verdicts.map(\.messageID).uniqued { $0 }
        guard !order.isEmpty else { return [] }
        let db = persistence.database
        let known = try await existingMessageIDs(order, companyID: companyID, on: db)
        let categories = Set(try await InboxCategoryModel.query(on: db).filter(\.$companyID == companyID).all().compactMap(\.id))
        let rows: [NewClassification] = order.compactMap { id in
            guard known.contains(id), var verdict = latest[id] else { return nil }
            if let category = verdict.categoryID, !categories.contains(category) {
                verdict.categoryID = nil
                verdict.needsReview = true
            }
            return verdict
        }
        for chunk in rows.chunked(into: Self.chunkSize) {
            let insert = db.asSQL.insert(into: MessageClassificationModel.schema)
                .columns("id", "company_id", "message_id", "category_id", "confidence", "reason", "source", "needs_review", "classified_at")
            for verdict in chunk {
                insert.values([
                    SQLBind(UUID()), SQLBind(companyID), SQLBind(verdict.messageID), SQLBind(verdict.categoryID),
                    SQLBind(verdict.confidence), SQLBind(verdict.reason), SQLBind(verdict.source), SQLBind(verdict.needsReview),
                    SQLBind(now),
                ] as [any SQLExpression])
            }
            try await insert.onConflict(with: ["message_id"]) {
                $0.set(excludedValueOf: "category_id").set(excludedValueOf: "confidence").set(excludedValueOf: "reason")
                    .set(excludedValueOf: "source").set(excludedValueOf: "needs_review").set(excludedValueOf: "classified_at")
                    .where(SQLRaw("message_classifications.corrected_at IS NULL"))
            }.run()
        }
        return try await classifications(order.filter { known.contains($0) }, companyID: companyID)
    }

    /// Current verdicts of these messages, in the order given (messages without one are left out).
    ///
    /// Plain rows rather than Fluent models, which find their fields by reflection for every row:
    /// a classify job reads its messages' verdicts twice (see `InboundMessageRepository.messages`).
    public func classifications(_ messageIDs: [UUID], companyID: UUID) async throws -> [MessageClassification] {
        var found: [UUID: MessageClassification] = [:]
        for chunk in messageIDs.uniqued(by: { $0 }).chunked(into: 500) {
            let rows = try await persistence.sql.raw("""
                SELECT message_id, company_id, category_id, confidence, reason, source, needs_review, classified_at,
                       corrected_by, corrected_at
                FROM message_classifications
                WHERE company_id = \(bind: companyID) AND message_id IN (\(binds: chunk.map { $0 as any Encodable & Sendable }))
                """).all()
            for row in rows {
                let messageID = try row.decode(column: "message_id", as: UUID.self)
                found[messageID] = try Self.verdict(
                    of: messageID, companyID: try row.decode(column: "company_id", as: UUID.self), from: row)
            }
        }
        return messageIDs.uniqued { $0 }.compactMap { found[$0] }
    }

    /// A message's verdict from a row holding the verdict's columns, each named `prefix` and the
    /// column (`c_` where the inbox joins verdicts to messages); nil when the row has none.
    static func verdict(of messageID: UUID, companyID: UUID, from row: any SQLRow, prefix: String = "") throws -> MessageClassification? {
        guard let classifiedAt = try row.decode(column: prefix + "classified_at", as: Date?.self) else { return nil }
        return MessageClassification(
            messageID: messageID, companyID: companyID,
            categoryID: try row.decode(column: prefix + "category_id", as: UUID?.self),
            confidence: try row.decode(column: prefix + "confidence", as: Double.self),
            reason: try row.decode(column: prefix + "reason", as: String.self),
            source: try row.decode(column: prefix + "source", as: String.self),
            needsReview: try row.decode(column: prefix + "needs_review", as: Bool.self),
            classifiedAt: classifiedAt,
            correctedBy: try row.decode(column: prefix + "corrected_by", as: UUID?.self),
            correctedAt: try row.decode(column: prefix + "corrected_at", as: Date?.self))
    }

    /// The tenant's corrections, oldest first, for training the embedded classifier.
    public func trainingExamples(companyID: UUID) async throws -> [ClassificationCorrection] {
        try await ClassificationCorrectionModel.query(on: persistence.database).filter(\.$companyID == companyID)
            .sort(\.$createdAt, .descending).limit(Self.maximumTrainingExamples).all()
            .map { try $0.toDomain() }.reversed()
    }

    /// How many corrections the tenant has and when the latest was made: enough to tell whether
    /// a stored classifier has learnt everything there is, without reading the examples.
    public func trainingSummary(companyID: UUID) async throws -> TrainingSummary {
        let query = ClassificationCorrectionModel.query(on: persistence.database).filter(\.$companyID == companyID)
        let count = try await query.count()
        let latest = try await ClassificationCorrectionModel.query(on: persistence.database).filter(\.$companyID == companyID)
            .sort(\.$createdAt, .descending).first()?.createdAt
        return TrainingSummary(corrections: count, latestCorrectionAt: latest)
    }

    // MARK: Pages

    public func classification(forMessage messageID: UUID, scope: TenantScope) async throws -> MessageClassification? {
        let query = MessageClassificationModel.query(on: persistence.database).filter(\.$messageID == messageID)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        return try await query.first()?.toDomain()
    }

    /// A person sets the message's category. The verdict becomes theirs (confidence 1, no review
    /// needed, never overwritten by a classifier again), and the message is remembered as a
    /// training example: a second correction of the same message replaces the first example.
    /// Relabelling in the mailbox is the caller's next step (`LabelPlan` + `LabelActionRepository`).
    public func correct(_ member: TenantMember, messageID: UUID, categoryID: UUID) async throws -> MessageClassification {
        let now = clock.now()
        return try await persistence.database.transaction { db in
            guard let message = try await InboundMessageModel.query(on: db).filter(\.$id == messageID)
                .filter(\.$companyID == member.companyID).first() else { throw StorageError.notFound }
            guard try await InboxCategoryModel.query(on: db).filter(\.$id == categoryID)
                .filter(\.$companyID == member.companyID).first() != nil else { throw StorageError.notFound }
            let verdict = try await MessageClassificationModel.query(on: db).filter(\.$messageID == messageID)
                .filter(\.$companyID == member.companyID).first() ?? MessageClassificationModel.blank(messageID: messageID, companyID: member.companyID)
            let earlier = try await ClassificationCorrectionModel.query(on: db).filter(\.$messageID == messageID)
                .filter(\.$companyID == member.companyID).first()
            // Corrected twice: "from" stays what the classifier said, not the first correction.
            let previousCategoryID: UUID?
            if let earlier {
                previousCategoryID = earlier.previousCategoryID
            } else {
                previousCategoryID = verdict.categoryID
            }
            verdict.categoryID = categoryID
            verdict.confidence = 1
            verdict.reason = ""
            verdict.source = MessageClassification.correctionSource
            verdict.needsReview = false
            verdict.classifiedAt = now
            verdict.correctedBy = member.userID
            verdict.correctedAt = now
            try await verdict.save(on: db)

            try await ClassificationCorrectionModel.query(on: db).filter(\.$messageID == messageID)
                .filter(\.$companyID == member.companyID).delete()
            let example = ClassificationCorrectionModel()
            example.id = UUID()
            example.companyID = member.companyID
            example.messageID = messageID
            example.categoryID = categoryID
            example.previousCategoryID = previousCategoryID
            example.sender = message.fromName.map { "\($0) <\(message.fromAddress)>" } ?? message.fromAddress
            example.subject = message.subject
            example.snippet = message.snippet
            example.correctedBy = member.userID
            example.createdAt = now
            try await example.create(on: db)
            return verdict.toDomain()
        }
    }

    /// The tenant's corrections, newest first; the platform scope names the company.
    public func corrections(_ scope: TenantScope, companyID: UUID? = nil, limit: Int = 100) async throws -> [ClassificationCorrection] {
        let company = try scope.company(lookingAt: companyID)
        return try await ClassificationCorrectionModel.query(on: persistence.database).filter(\.$companyID == company)
            .sort(\.$createdAt, .descending).limit(max(1, limit)).all().map { try $0.toDomain() }
    }

    /// One of the tenant's corrections; another tenant's id is `StorageError.notFound`.
    public func correction(_ id: UUID, scope: TenantScope) async throws -> ClassificationCorrection {
        let query = ClassificationCorrectionModel.query(on: persistence.database).filter(\.$id == id)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        guard let found = try await query.first() else { throw StorageError.notFound }
        return try found.toDomain()
    }

    /// How many corrections each category has (categories without any are left out).
    public func correctionCounts(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [UUID: Int] {
        let company = try scope.company(lookingAt: companyID)
        let rows = try await persistence.sql.raw("""
            SELECT category_id, COUNT(*) AS corrections FROM classification_corrections
            WHERE company_id = \(bind: company) GROUP BY category_id
            """).all()
        var counts: [UUID: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "category_id", as: UUID.self)] = try row.decode(column: "corrections", as: Int.self)
        }
        return counts
    }

    /// The newest `perCategory` corrections of every category, newest first within a category:
    /// the examples a classification prompt shows beside the typed ones. One query for the tenant.
    public func latestCorrectionsByCategory(companyID: UUID, perCategory: Int) async throws -> [UUID: [ClassificationCorrection]] {
        guard perCategory > 0 else { return [:] }
        let rows = try await persistence.sql.raw("""
            SELECT id, message_id, category_id, previous_category_id, sender, subject, snippet, corrected_by, created_at
            FROM (SELECT id, message_id, category_id, previous_category_id, sender, subject, snippet, corrected_by, created_at,
                         ROW_NUMBER() OVER (PARTITION BY category_id ORDER BY created_at DESC, id) AS place
                  FROM classification_corrections WHERE company_id = \(bind: companyID)) AS ranked
            WHERE place <= \(bind: perCategory)
            ORDER BY created_at DESC, id
            """).all()
        var byCategory: [UUID: [ClassificationCorrection]] = [:]
        for row in rows {
            let correction = ClassificationCorrection(
                id: try row.decode(column: "id", as: UUID.self), companyID: companyID,
                messageID: try row.decode(column: "message_id", as: UUID?.self),
                categoryID: try row.decode(column: "category_id", as: UUID.self),
                previousCategoryID: try row.decode(column: "previous_category_id", as: UUID?.self),
                sender: try row.decode(column: "sender", as: String.self), subject: try row.decode(column: "subject", as: String.self),
                snippet: try row.decode(column: "snippet", as: String.self), correctedBy: try row.decode(column: "corrected_by", as: UUID.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
            byCategory[correction.categoryID, default: []].append(correction)
        }
        return byCategory
    }

    /// Forgets a training example (the message's verdict stays as it is) and returns it. The
    /// tenant's correction count drops, so the embedded classifier's fingerprint changes and the
    /// next classify job trains it again without this example.
    @discardableResult
    public func deleteCorrection(_ member: TenantMember, id: UUID) async throws -> ClassificationCorrection {
        let db = persistence.database
        guard let found = try await ClassificationCorrectionModel.query(on: db).filter(\.$id == id)
            .filter(\.$companyID == member.companyID).first() else {
            throw StorageError.notFound
        }
        let correction = try found.toDomain()
        try await ClassificationCorrectionModel.query(on: db).filter(\.$id == id).filter(\.$companyID == member.companyID).delete()
        return correction
    }

    // MARK: Helpers

    private func existingMessageIDs(_ ids: [UUID], companyID: UUID, on db: any Database) async throws -> Set<UUID> {
        var known = Set<UUID>()
        for chunk in ids.uniqued(by: { $0 }).chunked(into: 500) {
            let rows = try await db.asSQL.raw("""
                SELECT id FROM inbound_messages WHERE company_id = \(bind: companyID) AND id IN (\(binds: chunk.map { $0 as any Encodable & Sendable }))
                """).all()
            for row in rows { known.insert(try row.decode(column: "id", as: UUID.self)) }
        }
        return known
    }
}

extension MessageClassificationModel {
    static func blank(messageID: UUID, companyID: UUID) -> MessageClassificationModel {
        let model = MessageClassificationModel()
        model.id = UUID()
        model.companyID = companyID
        model.messageID = messageID
        return model
    }
}

/// The tenant's corrections in two figures (see `ClassificationRepository.trainingSummary`).
public struct TrainingSummary: Sendable, Equatable {
    public let corrections: Int
    public let latestCorrectionAt: Date?

    public init(corrections: Int, latestCorrectionAt: Date?) {
        self.corrections = corrections
        self.latestCorrectionAt = latestCorrectionAt
    }
}
