/// NTLMv2's one-way functions and responses (MS-NLMP §3.3.2): the NT hash, the response key
/// (NTOWFv2), the NTv2 and LMv2 responses and the session base key.
struct NTLMv2Response: Sendable, Equatable {
    /// NTProofStr followed by the client blob ("temp"): what goes into NtChallengeResponse.
    let ntChallengeResponse: [UInt8]
    /// HMAC of both challenges followed by the client challenge (24 bytes).
    let lmChallengeResponse: [UInt8]
    let sessionBaseKey: [UInt8]

    var ntProofString: [UInt8] { Array(ntChallengeResponse.prefix(16)) }

    init(responseKey: [UInt8], serverChallenge: [UInt8], clientChallenge: [UInt8], timestamp: UInt64, targetInfo: [UInt8]) {
        let blob = Self.clientBlob(timestamp: timestamp, clientChallenge: clientChallenge, targetInfo: targetInfo)
        let proof = HMACMD5.authenticationCode(for: serverChallenge + blob, key: responseKey)
        ntChallengeResponse = proof + blob
        lmChallengeResponse = HMACMD5.authenticationCode(for: serverChallenge + clientChallenge, key: responseKey) + clientChallenge
        sessionBaseKey = HMACMD5.authenticationCode(for: proof, key: responseKey)
    }

    /// NTOWFv1: MD4 of the password in UTF-16LE.
    static func ntHash(password: String) -> [UInt8] {
        MD4.hash(NTLMWire.utf16LittleEndian(password))
    }

    /// NTOWFv2 = HMAC_MD5(NT hash, UNICODE(Uppercase(User) + UserDom)). The domain keeps its case.
    static func responseKey(user: String, domain: String, password: String) -> [UInt8] {
        HMACMD5.authenticationCode(for: NTLMWire.utf16LittleEndian(windowsUppercase(user) + domain), key: ntHash(password: password))
    }

    /// "temp": RespType 1, HiRespType 1, six zero bytes, the FILETIME, the client challenge,
    /// four zero bytes, the AV pairs (ending in MsvAvEOL) and four more zero bytes.
    static func clientBlob(timestamp: UInt64, clientChallenge: [UInt8], targetInfo: [UInt8]) -> [UInt8] {
        var blob: [UInt8] = [0x01, 0x01] + [UInt8](repeating: 0, count: 6)
        NTLMWire.append(timestamp, to: &blob)
        blob += clientChallenge
        blob += [0, 0, 0, 0]
        blob += targetInfo
        blob += [0, 0, 0, 0]
        return blob
    }

    /// Windows upper-cases names one UTF-16 unit to one (RtlUpcaseUnicodeString); Swift's full
    /// mapping would turn "ß" into "SS" and compute a key the server never does.
    static func windowsUppercase(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = scalar.properties.uppercaseMapping.unicodeScalars
            if scalar.value <= 0xFFFF, mapped.count == 1, let single = mapped.first, single.value <= 0xFFFF {
                scalars.append(single)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
