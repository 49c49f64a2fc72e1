import FluentKit
import Foundation

/// One-time recovery codes for users who lose their authenticator. Stored hashed.
public struct RecoveryCodeStore: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    /// Replaces the user's codes with `count` new ones and returns them (shown once).
    public func regenerate(userID: UUID, count: Int = 10) async throws -> [String] {
        let codes = (0..<count).map { _ in Self.makeCode() }
        try await persistence.database.transaction { db in
            try await RecoveryCodeModel.query(on: db).filter(\.$userID == userID).delete()
            for code in codes {
                let model = RecoveryCodeModel()
                model.id = UUID()
                model.userID = userID
                model.codeHash = SecureToken.hash(Self.normalise(code))
                try await model.create(on: db)
            }
        }
        return codes
    }

    /// Uses a code if it is valid and unused.
    public func consume(userID: UUID, code: String) async throws -> Bool {
        let hash = SecureToken.hash(Self.normalise(code))
        let db = persistence.database
        guard let model = try await RecoveryCodeModel.query(on: db)
            .filter(\.$userID == userID).filter(\.$codeHash == hash).filter(\.$usedAt == nil).first() else { return false }
        model.usedAt = clock.now()
        try await model.save(on: db)
        return true
    }

    public func removeAll(userID: UUID) async throws {
        try await RecoveryCodeModel.query(on: persistence.database).filter(\.$userID == userID).delete()
    }

    /// Ten characters from an alphabet without look-alikes, grouped `xxxxx-xxxxx` for reading.
    static func makeCode() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        let characters = (0..<10).map { _ in alphabet.randomElement()! }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }

    static func normalise(_ code: String) -> String {
        code.lowercased().filter { $0.isLetter || $0.isNumber }
    }
}
