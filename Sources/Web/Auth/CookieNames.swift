import Foundation
import Hummingbird

/// Our cookies and their attributes, in one place so every one of them gets `HttpOnly`,
/// `SameSite=Lax` and, over HTTPS, `Secure`.
enum Cookies {
    static let session = "ss_session"
    static let remember = "ss_remember"
    /// Binds the CSRF token of a visitor who has no session yet.
    static let anonymous = "ss_anon"
    static let locale = "ss_locale"

    static func make(_ name: String, _ value: String, maxAge: Int?, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func expired(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
