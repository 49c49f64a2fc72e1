import Foundation
import HummingbirdOTP

/// Time-based one-time passwords (RFC 6238, as authenticator apps expect: SHA-1, 6 digits, 30 s).
struct TOTPAuthenticator: Sendable {
    /// Codes one step either side are accepted: phone clocks drift.
    let allowedDrift = 1

    /// A new shared secret. HummingbirdOTP keys HMAC with the secret's UTF-8 bytes, so the secret
    /// is 20 random ASCII characters (160 bits of key material, as RFC 4226 recommends).
    func makeSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijkmnopqrstuvwxyz")
        return String((0..<20).map { _ in alphabet.randomElement()! })
    }

    func verify(code: String, secret: String, at date: Date = Date()) -> Bool {
        let digits = code.filter(\.isNumber)
        guard digits.count == 6, let value = Int(digits) else { return false }
        let totp = TOTP(secret: secret)
        return (-allowedDrift...allowedDrift).contains { step in
            totp.compute(date: date.addingTimeInterval(TimeInterval(step * 30))) == value
        }
    }

    func code(secret: String, at date: Date) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }

    func authenticatorURL(secret: String, account: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: "SmartySales:\(account)", issuer: "SmartySales")
    }

    /// The base32 form users type into an authenticator app by hand.
    func base32Secret(secret: String, account: String) -> String {
        let url = authenticatorURL(secret: secret, account: account)
        guard let components = URLComponents(string: url),
              let value = components.queryItems?.first(where: { $0.name == "secret" })?.value else { return "" }
        return value
    }
}
