import Crypto
import Foundation
import Storage
import Synchronization

/// CSRF tokens bound to the browser: HMAC of the session cookie (or, before sign-in, of a random
/// anonymous cookie) under a server key. Nothing is stored, a token from one browser is useless
/// in another, and signing in (a new session id) changes the token.
///
/// A token is a pure function of the key and the binding, so tokens are remembered per binding:
/// every signed-in page carries one (the sign-out form), and the HMAC with its encoding was a
/// twentieth of the dashboard's CPU time.
public struct CSRFTokens: Sendable {
    let key: SymmetricKey
    private let remembered = Remembered()

    public init(key: SymmetricKey) {
        self.key = key
    }

    func token(for binding: String) -> String {
        if let token = remembered.tokens.withLock({ $0[binding] }) { return token }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(binding.utf8), using: key)
        let token = SecureToken.base64URL(Array(mac))
        remembered.tokens.withLock { tokens in
            // Bounded: a visitor per entry; forgetting them all only costs the HMACs again.
            if tokens.count >= Remembered.capacity { tokens.removeAll() }
            tokens[binding] = token
        }
        return token
    }

    private final class Remembered: Sendable {
        static let capacity = 20_000
        let tokens = Mutex<[String: String]>([:])
    }
}
