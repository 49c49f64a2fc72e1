/// The three NTLM messages (MS-NLMP §2.2.1) as the client of an HTTP handshake sees them:
/// it writes NEGOTIATE, reads CHALLENGE, writes AUTHENTICATE.
enum NTLMMessage {
    static let signature: [UInt8] = Array("NTLMSSP".utf8) + [0]
    static let negotiateType: UInt32 = 1
    static let challengeType: UInt32 = 2
    static let authenticateType: UInt32 = 3
}

enum NTLMError: Error, Equatable, Sendable {
    /// The server's CHALLENGE cannot be read; the reason says where it broke.
    case malformedChallenge(String)
    /// The server wants something this client does not do (OEM strings, NTLMv1 only).
    case unsupported(String)
}

/// NEGOTIATE_MESSAGE (§2.2.1.1): our flags, no domain or workstation (they go in AUTHENTICATE).
struct NTLMNegotiateMessage: Sendable, Equatable {
    var flags: NTLMNegotiateFlags = .clientRequested

    var bytes: [UInt8] {
        var output = NTLMMessage.signature
        NTLMWire.append(NTLMMessage.negotiateType, to: &output)
        NTLMWire.append(flags.rawValue, to: &output)
        // DomainNameFields and WorkstationFields: empty security buffers.
        output += [UInt8](repeating: 0, count: 16)
        return output
    }
}

/// CHALLENGE_MESSAGE (§2.2.1.2) as the server sent it.
struct NTLMChallengeMessage: Sendable, Equatable {
    let flags: NTLMNegotiateFlags
    let serverChallenge: [UInt8]
    let targetName: String?
    let targetInfo: NTLMTargetInfo
    /// The message exactly as received: the MIC covers it.
    let bytes: [UInt8]

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count >= 32, Array(bytes.prefix(8)) == NTLMMessage.signature else {
            throw NTLMError.malformedChallenge("not an NTLMSSP message")
        }
        guard NTLMWire.uint32(in: bytes, at: 8) == NTLMMessage.challengeType else {
            throw NTLMError.malformedChallenge("message type is not CHALLENGE")
        }
        guard let rawFlags = NTLMWire.uint32(in: bytes, at: 20), let challenge = NTLMWire.slice(of: bytes, at: 24, length: 8) else {
            throw NTLMError.malformedChallenge("header too short")
        }
        let flags = NTLMNegotiateFlags(rawValue: rawFlags)
        self.flags = flags
        serverChallenge = challenge
        self.bytes = bytes
        let nameBytes = try Self.securityBuffer(in: bytes, at: 12, field: "TargetName")
        if nameBytes.isEmpty {
            targetName = nil
        } else if flags.contains(.unicode) {
            targetName = NTLMWire.string(fromUTF16LittleEndian: nameBytes)
        } else {
            targetName = String(decoding: nameBytes, as: UTF8.self)
        }
        // Servers from before Windows 2000 end the header before TargetInfoFields.
        if flags.contains(.targetInfo), bytes.count >= 48 {
            let infoBytes = try Self.securityBuffer(in: bytes, at: 40, field: "TargetInfo")
            guard let info = NTLMTargetInfo(parsing: infoBytes) else {
                throw NTLMError.malformedChallenge("TargetInfo AV pairs run past their buffer")
            }
            targetInfo = info
        } else {
            targetInfo = NTLMTargetInfo()
        }
    }

    /// A security buffer (§2.2.1): length, allocated length, offset from the message start.
    static func securityBuffer(in bytes: [UInt8], at fieldOffset: Int, field: String) throws -> [UInt8] {
        guard let length = NTLMWire.uint16(in: bytes, at: fieldOffset), let offset = NTLMWire.uint32(in: bytes, at: fieldOffset + 4) else {
            throw NTLMError.malformedChallenge("\(field) fields missing")
        }
        if length == 0 { return [] }
        guard let value = NTLMWire.slice(of: bytes, at: Int(offset), length: Int(length)) else {
            throw NTLMError.malformedChallenge("\(field) points past the end of the message")
        }
        return value
    }
}

/// AUTHENTICATE_MESSAGE (§2.2.1.3) with NTLMv2 responses. Every random or time-dependent input
/// is a parameter, so the MS-NLMP §4.2.4 example can be rebuilt byte for byte; `NTLMHandshake`
/// supplies real ones.
struct NTLMAuthenticateMessage: Sendable {
    var credentials: NTLMCredentials
    var challenge: NTLMChallengeMessage
    var flags: NTLMNegotiateFlags
    /// The VERSION structure, written when `flags` has NEGOTIATE_VERSION; zeros otherwise.
    var version: [UInt8] = [UInt8](repeating: 0, count: 8)
    var clientChallenge: [UInt8]
    /// FILETIME used when the server sent no MsvAvTimestamp.
    var clientTime: UInt64
    /// Encrypted under the key exchange key when `flags` has KEY_EXCH.
    var randomSessionKey: [UInt8]
    /// The NEGOTIATE we sent, which the MIC covers.
    var negotiateMessage: [UInt8]
    /// MD5 of the TLS channel bindings (MsvAvChannelBindings) for servers with Extended
    /// Protection; nil leaves the pair out.
    var channelBindingHash: [UInt8]? = nil

    private static let fixedHeaderLength = 64
    private static let versionLength = 8
    private static let micLength = 16

    func bytes() throws -> [UInt8] {
        guard flags.contains(.unicode) else {
            throw NTLMError.unsupported("the server does not accept Unicode strings")
        }
        var targetInfo = challenge.targetInfo
        // A server that sends its time expects it back, an empty LMv2 response and a MIC (§3.1.5.1.2).
        let serverTime = targetInfo.timestamp
        let includesMIC = serverTime != nil
        if includesMIC { targetInfo.insertFlags(NTLMTargetInfo.micPresentFlag) }
        if let channelBindingHash { targetInfo.set(NTLMTargetInfo.PairID.channelBindings, to: channelBindingHash) }

        let responseKey = NTLMv2Response.responseKey(user: credentials.user, domain: credentials.domain, password: credentials.password)
        let response = NTLMv2Response(
            responseKey: responseKey, serverChallenge: challenge.serverChallenge, clientChallenge: clientChallenge,
            timestamp: serverTime ?? clientTime, targetInfo: targetInfo.bytes)
        let lmResponse = includesMIC ? [UInt8](repeating: 0, count: 24) : response.lmChallengeResponse

        // For NTLMv2 the key exchange key is the session base key (§3.4.5.1).
        let keyExchangeKey = response.sessionBaseKey
        let encryptedSessionKey = flags.contains(.keyExchange) ? RC4.apply(key: keyExchangeKey, to: randomSessionKey) : []
        let exportedSessionKey = flags.contains(.keyExchange) ? randomSessionKey : keyExchangeKey

        let headerLength = Self.fixedHeaderLength + Self.versionLength + (includesMIC ? Self.micLength : 0)
        let domain = NTLMWire.utf16LittleEndian(credentials.domain)
        let user = NTLMWire.utf16LittleEndian(credentials.user)
        let workstation = NTLMWire.utf16LittleEndian(credentials.workstation)
        // Payload in the order Windows writes it; the header lists the buffers in field order.
        let payload = [domain, user, workstation, lmResponse, response.ntChallengeResponse, encryptedSessionKey]
        var offsets: [Int] = []
        var nextOffset = headerLength
        for field in payload {
            offsets.append(nextOffset)
            nextOffset += field.count
        }

        var message = NTLMMessage.signature
        NTLMWire.append(NTLMMessage.authenticateType, to: &message)
        for index in [3, 4, 0, 1, 2, 5] {
            Self.appendSecurityBuffer(length: payload[index].count, offset: offsets[index], to: &message)
        }
        NTLMWire.append(flags.rawValue, to: &message)
        message += flags.contains(.version) && version.count == Self.versionLength ? version : [UInt8](repeating: 0, count: Self.versionLength)
        let micOffset = message.count
        if includesMIC { message += [UInt8](repeating: 0, count: Self.micLength) }
        for field in payload { message += field }

        if includesMIC {
            let mic = HMACMD5.authenticationCode(for: negotiateMessage + challenge.bytes + message, key: exportedSessionKey)
            message.replaceSubrange(micOffset..<(micOffset + Self.micLength), with: mic)
        }
        return message
    }

    private static func appendSecurityBuffer(length: Int, offset: Int, to message: inout [UInt8]) {
        let length16 = UInt16(truncatingIfNeeded: length)
        NTLMWire.append(length16, to: &message)
        NTLMWire.append(length16, to: &message)
        NTLMWire.append(UInt32(truncatingIfNeeded: offset), to: &message)
    }
}
