/// Failures that callers can act on. Anything else is an infrastructure error and propagates.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// The row does not exist *for this scope*: another tenant's id looks exactly like a missing one.
    case notFound
    case emailTaken
    /// A unique name or address is already used inside the tenant (a mailbox address, a category name).
    case alreadyExists
    /// The platform scope asked for data it may never read (client notes).
    case platformScopeRefused
    /// The platform scope tried to change a tenant's data.
    case readOnlyScope
    case corruptRow(String)

    public var description: String {
        switch self {
        case .notFound: "not found"
        case .emailTaken: "e-mail address already registered"
        case .alreadyExists: "already exists"
        case .platformScopeRefused: "the platform scope may not read this data"
        case .readOnlyScope: "the platform scope is read-only"
        case .corruptRow(let column): "corrupt value in \(column)"
        }
    }
}
