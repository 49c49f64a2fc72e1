/// The NegotiateFlags of every NTLM message (MS-NLMP §2.2.2.5), the ones this client reads or sets.
struct NTLMNegotiateFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    static let unicode = Self(rawValue: 0x0000_0001)
    static let oem = Self(rawValue: 0x0000_0002)
    static let requestTarget = Self(rawValue: 0x0000_0004)
    static let sign = Self(rawValue: 0x0000_0010)
    static let seal = Self(rawValue: 0x0000_0020)
    static let ntlm = Self(rawValue: 0x0000_0200)
    static let alwaysSign = Self(rawValue: 0x0000_8000)
    static let targetTypeDomain = Self(rawValue: 0x0001_0000)
    static let targetTypeServer = Self(rawValue: 0x0002_0000)
    static let extendedSessionSecurity = Self(rawValue: 0x0008_0000)
    static let targetInfo = Self(rawValue: 0x0080_0000)
    static let version = Self(rawValue: 0x0200_0000)
    static let negotiate128 = Self(rawValue: 0x2000_0000)
    static let keyExchange = Self(rawValue: 0x4000_0000)
    static let negotiate56 = Self(rawValue: 0x8000_0000)

    /// What this client asks for in NEGOTIATE. Unicode only: every Exchange server speaks it, and
    /// OEM code pages would mean guessing the server's. No VERSION: it is for debugging only, and
    /// we would have to claim a Windows build we are not.
    static let clientRequested: Self = [
        .unicode, .requestTarget, .ntlm, .alwaysSign, .extendedSessionSecurity, .negotiate128, .keyExchange, .negotiate56,
    ]

    /// The flags an AUTHENTICATE carries: what the server chose of what we asked for, plus target
    /// info when the server sent some (NTLMv2 answers with it).
    static func authenticateFlags(offered: Self) -> Self {
        offered.intersection(clientRequested.union(.targetInfo))
    }
}
