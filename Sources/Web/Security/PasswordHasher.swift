import HummingbirdBcrypt
import NIOPosix

/// BCrypt hashing and verification on a thread pool: a cost-12 hash takes a quarter of a second
/// of CPU, which would stall every connection on the event loop that ran it.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to verify against when the account does not exist, so that "no such user" takes
    /// as long as "wrong password" and response times do not reveal which e-mails are registered.
    public func decoyHash() async throws -> String {
        try await hash("decoy password that matches nothing")
    }
}
