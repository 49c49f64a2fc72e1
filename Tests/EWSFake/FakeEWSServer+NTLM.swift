import Foundation
@testable import MailProtocols

/// The server's side of NTLM for the fake EWS server: a CHALLENGE_MESSAGE with target info and a
/// timestamp (so the client must answer with a MIC, as against Windows Server 2008 and later),
/// and a check of the AUTHENTICATE_MESSAGE by recomputing, from the known password, what only
/// the right password yields: the NTProofStr, and the MIC over all three messages. The
/// primitives are the client's (MD4, HMAC-MD5, RC4, checked against the RFC and MS-NLMP vectors
/// in EWSNTLMTests); the message layout here is written from MS-NLMP §2.2.1 independently.
enum FakeNTLM {
    static let challengeFlags: NTLMNegotiateFlags = [
        .unicode, .requestTarget, .ntlm, .alwaysSign, .targetTypeDomain, .extendedSessionSecurity, .targetInfo, .version,
        .negotiate128, .keyExchange, .negotiate56,
    ]

    /// 1 for NEGOTIATE, 2 for CHALLENGE, 3 for AUTHENTICATE; nil when it is no NTLMSSP message.
    static func messageType(_ bytes: [UInt8]) -> UInt32? {
        guard bytes.count >= 12, Array(bytes.prefix(8)) == NTLMMessage.signature else { return nil }
        return NTLMWire.uint32(in: bytes, at: 8)
    }

    /// CHALLENGE_MESSAGE (§2.2.1.2): header of 56 bytes (with VERSION), then TargetName and TargetInfo.
    static func challenge(serverChallenge: [UInt8], domain: String, now: Date) -> [UInt8] {
        var info = NTLMTargetInfo()
        info.set(NTLMTargetInfo.PairID.netBIOSDomainName, to: NTLMWire.utf16LittleEndian(domain))
        info.set(NTLMTargetInfo.PairID.netBIOSComputerName, to: NTLMWire.utf16LittleEndian("EXCH01"))
        var time: [UInt8] = []
        NTLMWire.append(NTLMHandshake.fileTime(now), to: &time)
        info.set(NTLMTargetInfo.PairID.timestamp, to: time)
        let targetName = NTLMWire.utf16LittleEndian(domain)
        let targetInfo = info.bytes
        let headerLength = 56

        var message = NTLMMessage.signature
        NTLMWire.append(NTLMMessage.challengeType, to: &message)
        appendSecurityBuffer(length: targetName.count, offset: headerLength, to: &message)
        NTLMWire.append(challengeFlags.rawValue, to: &message)
        message += serverChallenge
        message += [UInt8](repeating: 0, count: 8)
        appendSecurityBuffer(length: targetInfo.count, offset: headerLength + targetName.count, to: &message)
        // VERSION: Windows Server 2016 (10.0.14393), NTLM revision 15.
        message += [0x0A, 0x00, 0x39, 0x38, 0x00, 0x00, 0x00, 0x0F]
        message += targetName + targetInfo
        return message
    }

    /// True when `authenticate` proves knowledge of the account's password for this challenge,
    /// names the account (`DOMAIN` + user, or a UPN with an empty domain), and carries a MIC
    /// that binds it to `negotiate` and `challenge`.
    static func verify(
        authenticate message: [UInt8], negotiate: [UInt8], challenge: [UInt8], serverChallenge: [UInt8], account: FakeEWSServer.Account
    ) -> Bool {
        let micRange = 72..<88
        guard messageType(message) == 3, message.count >= micRange.upperBound else { return false }
        func field(at offset: Int) -> [UInt8]? {
            guard let length = NTLMWire.uint16(in: message, at: offset), let start = NTLMWire.uint32(in: message, at: offset + 4) else {
                return nil
            }
            return NTLMWire.slice(of: message, at: Int(start), length: Int(length))
        }
        guard let ntResponse = field(at: 20), ntResponse.count > 16 + 28, let domainBytes = field(at: 28), let userBytes = field(at: 36),
              let encryptedSessionKey = field(at: 52), let rawFlags = NTLMWire.uint32(in: message, at: 60)
        else { return false }
        let user = NTLMWire.string(fromUTF16LittleEndian: userBytes)
        let domain = NTLMWire.string(fromUTF16LittleEndian: domainBytes)
        let namesAccount = (user.lowercased() == account.ntlmUser.lowercased() && domain.lowercased() == account.ntlmDomain.lowercased())
            || (user.lowercased() == account.upn.lowercased() && domain.isEmpty)
        guard namesAccount else { return false }

        let responseKey = NTLMv2Response.responseKey(user: user, domain: domain, password: account.password)
        let proof = Array(ntResponse.prefix(16))
        let blob = Array(ntResponse.dropFirst(16))
        guard HMACMD5.authenticationCode(for: serverChallenge + blob, key: responseKey) == proof else { return false }

        let sessionBaseKey = HMACMD5.authenticationCode(for: proof, key: responseKey)
        let flags = NTLMNegotiateFlags(rawValue: rawFlags)
        let exportedSessionKey = flags.contains(.keyExchange) ? RC4.apply(key: sessionBaseKey, to: encryptedSessionKey) : sessionBaseKey
        var withoutMIC = message
        withoutMIC.replaceSubrange(micRange, with: [UInt8](repeating: 0, count: micRange.count))
        let mic = HMACMD5.authenticationCode(for: negotiate + challenge + withoutMIC, key: exportedSessionKey)
        return mic == Array(message[micRange])
    }

    private static func appendSecurityBuffer(length: Int, offset: Int, to message: inout [UInt8]) {
        NTLMWire.append(UInt16(length), to: &message)
        NTLMWire.append(UInt16(length), to: &message)
        NTLMWire.append(UInt32(offset), to: &message)
    }
}
