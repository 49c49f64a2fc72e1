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
}
