/// What the server said it can do, upper-cased (`IDLE`, `AUTH=PLAIN`, `X-GM-EXT-1`).
/// Replaced, never merged: after STARTTLS and after login the list changes (RFC 3501 §6.2.1).
public struct IMAPCapabilities: Sendable, Equatable {
    public private(set) var names: Set<String>

    public init(_ names: some Sequence<String>) {
        self.names = Set(names.map { $0.uppercased() })
    }

    public func contains(_ name: String) -> Bool {
        names.contains(name.uppercased())
    }

    public var isEmpty: Bool { names.isEmpty }

    public var isGmail: Bool { contains("X-GM-EXT-1") }

    /// Literals without waiting for `+`: any size with LITERAL+, up to 4096 bytes with
    /// LITERAL- (RFC 7888), which is what Gmail offers.
    func allowsNonSynchronizingLiteral(ofSize size: Int) -> Bool {
        contains("LITERAL+") || (contains("LITERAL-") && size <= 4096)
    }
}
