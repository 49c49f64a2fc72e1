import Foundation

/// One NTLM sign-in over HTTP: send `negotiateMessage` (base64 after `Authorization: NTLM `),
/// read the server's CHALLENGE from `WWW-Authenticate: NTLM …`, answer with
/// `authenticateMessage(answering:)` on the same connection. A handshake value is used once:
/// the MIC ties the AUTHENTICATE to this NEGOTIATE.
public struct NTLMHandshake: Sendable {
    public let credentials: NTLMCredentials
    let negotiate = NTLMNegotiateMessage()

    public init(credentials: NTLMCredentials) {
        self.credentials = credentials
    }

    public var negotiateMessage: [UInt8] { negotiate.bytes }

    /// - Parameters:
    ///   - challengeBytes: the decoded CHALLENGE message.
    ///   - channelBindingHash: MD5 of the TLS channel bindings, for servers with Extended Protection.
    /// - Throws: `NTLMError` when the challenge is unreadable or asks for what we do not support.
    public func authenticateMessage(answering challengeBytes: [UInt8], channelBindingHash: [UInt8]? = nil, now: Date = Date()) throws -> [UInt8] {
        let challenge = try NTLMChallengeMessage(parsing: challengeBytes)
        let message = NTLMAuthenticateMessage(
            credentials: credentials, challenge: challenge,
            flags: NTLMNegotiateFlags.authenticateFlags(offered: challenge.flags),
            clientChallenge: Self.randomBytes(8), clientTime: Self.fileTime(now),
            randomSessionKey: Self.randomBytes(16), negotiateMessage: negotiate.bytes,
            channelBindingHash: channelBindingHash)
        return try message.bytes()
    }

    /// 100-nanosecond ticks since 1 January 1601 UTC, Windows' FILETIME.
    static func fileTime(_ date: Date) -> UInt64 {
        let secondsFrom1601ToUnixEpoch = 11_644_473_600.0
        let ticks = (date.timeIntervalSince1970 + secondsFrom1601ToUnixEpoch) * 10_000_000
        return ticks.isFinite && ticks > 0 ? UInt64(min(ticks, Double(UInt64.max / 2))) : 0
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
