import Crypto
import Storage
import Foundation

/// CSRF tokens bound to the browser: HMAC of the session cookie (or, before sign-in, of a random
/// anonymous cookie) under a server key. Nothing is stored, a token from one browser is useless
/// in another, and signing in (a new session id) changes the token.
public struct CSRFTokens: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    func token(for binding: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(binding.utf8), using: key)
        return SecureToken.base64URL(Array(mac))
    }

    func isValid(_ presented: String, for binding: String) -> Bool {
        let expected = token(for: binding)
        let a = Array(presented.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
