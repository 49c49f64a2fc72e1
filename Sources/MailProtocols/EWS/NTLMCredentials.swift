/// Who signs in with NTLM. The password never appears in `description`, so logging a value
/// that holds credentials cannot leak it.
public struct NTLMCredentials: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    /// The NetBIOS or DNS domain; empty for a UPN login (`user@corp.example`), which the server
    /// resolves itself.
    public var domain: String
    public var password: String
    /// The client machine's name as the server logs it; empty is allowed.
    public var workstation: String

    public init(user: String, domain: String, password: String, workstation: String = "") {
        self.user = user
        self.domain = domain
        self.password = password
        self.workstation = workstation
    }

    /// Reads a login as users type it into a mailbox form: `DOMAIN\user`, `user@domain`
    /// (kept whole as a UPN) or a bare `user`.
    public init(login: String, password: String, workstation: String = "") {
        if let backslash = login.firstIndex(of: "\\") {
            self.init(
                user: String(login[login.index(after: backslash)...]), domain: String(login[..<backslash]),
                password: password, workstation: workstation)
        } else {
            self.init(user: login, domain: "", password: password, workstation: workstation)
        }
    }

    public var description: String {
        "NTLMCredentials(user: \(user), domain: \(domain), workstation: \(workstation), password: <redacted>)"
    }
}
