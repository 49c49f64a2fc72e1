import Crypto
import FluentKit
import Foundation
import SQLKit

/// A tenant's trained embedded classifier as the classify worker stored it, with what it was
/// trained from. Storage keeps the encoded model as it is and never looks inside.
public struct StoredEmbeddedClassifier: Sendable, Equatable {
    /// `EmbeddedClassifier.encoded()`.
    public let encoded: Data
    /// `EmbeddedClassifier.formatVersion` when it was saved.
    public let formatVersion: Int
    /// The worker's summary of the categories and corrections it was trained from.
    public let fingerprint: String
    public let trainedAt: Date

    public init(encoded: Data, formatVersion: Int, fingerprint: String, trainedAt: Date) {
        self.encoded = encoded
        self.formatVersion = formatVersion
        self.fingerprint = fingerprint
        self.trainedAt = trainedAt
    }
}

/// One stored classifier per tenant, so the classify worker trains only when the categories or
/// the corrections changed. Worker-facing: the company comes from the job.
public struct EmbeddedClassifierRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// A short, stable name for what a classifier was trained from (the worker's description of
    /// it as bytes): SHA-256, hex.
    public static func fingerprint(of source: Data) -> String {
        SHA256.hash(data: source).map { String(format: "%02x", $0) }.joined()
    }

    public func load(companyID: UUID) async throws -> StoredEmbeddedClassifier? {
        guard let model = try await EmbeddedClassifierModel.query(on: persistence.database).filter(\.$companyID == companyID).first() else {
            return nil
        }
        return StoredEmbeddedClassifier(encoded: Data(model.encoded.utf8), formatVersion: model.formatVersion,
                                        fingerprint: model.fingerprint, trainedAt: model.trainedAt)
    }

    /// Replaces the tenant's classifier (`encoded` is UTF-8 JSON); `trained_at` is now.
    public func save(companyID: UUID, encoded: Data, formatVersion: Int, fingerprint: String) async throws {
        let now = clock.now()
        try await persistence.sql.insert(into: EmbeddedClassifierModel.schema)
            .columns("id", "company_id", "model", "format_version", "fingerprint", "trained_at")
            .values([
                SQLBind(UUID()), SQLBind(companyID), SQLBind(String(decoding: encoded, as: UTF8.self)), SQLBind(formatVersion),
                SQLBind(fingerprint), SQLBind(now),
            ] as [any SQLExpression])
            .onConflict(with: ["company_id"]) {
                $0.set(excludedValueOf: "model").set(excludedValueOf: "format_version").set(excludedValueOf: "fingerprint")
                    .set(excludedValueOf: "trained_at")
            }
            .run()
    }
}
