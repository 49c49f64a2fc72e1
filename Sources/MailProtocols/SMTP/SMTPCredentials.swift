/// The user name and password an SMTP server checks with AUTH (for Gmail: the address and a
/// 16-character app password).
public struct SMTPCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Never the password: credentials end up in log lines and error reports by accident.
    public var description: String { "SMTPCredentials(username: \(username), password: ***)" }
    public var debugDescription: String { description }
}
