import Storage
import Synchronization

/// The visitor's CSRF token, worked out only when something needs it: a page with a form, or
/// the check of a post. Probes, metrics scrapes and static files never pay for an HMAC, and a
/// visitor without a session gets the anonymous binding cookie only once a form was shown.
final class CSRFBinding: Sendable {
    private struct State {
        var binding: String?
        var token: String?
        var issuedAnonymousCookie = false
    }

    private let tokens: CSRFTokens
    /// The session cookie, or the anonymous cookie the browser sent, if any.
    private let state: Mutex<State>

    init(tokens: CSRFTokens, binding: String?) {
        self.tokens = tokens
        self.state = Mutex(State(binding: binding))
    }

    /// A placeholder for contexts the session middleware has not reached (it replaces it).
    /// Its key is random per process, so a token it produced matches nothing real.
    convenience init() {
        self.init(tokens: Self.unbound, binding: nil)
    }

    private static let unbound = CSRFTokens(key: .init(size: .bits256))

    var token: String {
        state.withLock { state in
            if let token = state.token { return token }
            if state.binding == nil {
                state.binding = SecureToken.random()
                state.issuedAnonymousCookie = true
            }
            let token = tokens.token(for: state.binding!)
            state.token = token
            return token
        }
    }

    /// The anonymous binding created for this response, which the browser must keep.
    var newAnonymousCookie: String? {
        state.withLock { $0.issuedAnonymousCookie ? $0.binding : nil }
    }
}
