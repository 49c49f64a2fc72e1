import Domain
import Foundation
import Synchronization

/// What inner middleware and handlers learn about a request that the audit middleware, which
/// runs outside them, must still record: the parsed form and who signed in during it.
/// Contexts are values passed inwards, so this one shared box carries facts back out.
final class RequestTrail: Sendable {
    private struct State {
        var form: [String: String] = [:]
        var signedIn: Identity?
    }

    private let state = Mutex(State())

    var form: [String: String] {
        get { state.withLock { $0.form } }
        set { state.withLock { $0.form = newValue } }
    }

    var signedIn: Identity? {
        get { state.withLock { $0.signedIn } }
        set { state.withLock { $0.signedIn = newValue } }
    }
}
