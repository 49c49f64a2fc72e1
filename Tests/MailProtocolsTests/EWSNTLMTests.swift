import Foundation
import Testing
@testable import MailProtocols

/// The hash functions against their RFCs' own test suites, and NTLMv2 against the worked
/// example in Microsoft's MS-NLMP specification, §4.2.4 (user "User", domain "Domain", password
/// "Password", server challenge 0123456789abcdef, client challenge aa…aa, time 0, random
/// session key 55…55, workstation "COMPUTER"; common values in §4.2.1).
@Suite struct EWSNTLMTests {
    typealias Bytes = EWSTestBytes

    // MARK: MD4, MD5, HMAC-MD5

    /// RFC 1320, Appendix A.5 "Test suite".
    @Test(arguments: [
        ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
        ("a", "bde52cb31de33e46245e05fbdbd6fb24"),
        ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
        ("message digest", "d9130a8164549fe818874806e1c7014b"),
        ("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "e33b4ddc9c38f2199c3e7b164fcc0536"),
    ])
    func md4MatchesRFC1320(input: String, digest: String) {
        #expect(Bytes.hex(MD4.hash(Array(input.utf8))) == digest)
    }

    /// RFC 1321, Appendix A.5 "Test suite".
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func md5MatchesRFC1321(input: String, digest: String) {
        #expect(Bytes.hex(MD5.hash(Array(input.utf8))) == digest)
    }

    /// Messages whose padding crosses a block boundary (55, 56, 63, 64, 65 bytes) are where a
    /// padding bug shows; MD4 and MD5 share the padding, so MD5 stands for both here. Expected
    /// digests from Python's hashlib, an implementation independent of ours.
    @Test(arguments: [55, 56, 63, 64, 65, 119, 120])
    func md5PaddingAtBlockBoundaries(length: Int) {
        let expected = [
            55: "ef1772b6dff9a122358552954ad0df65", 56: "3b0c8ac703f828b04c6c197006d17218",
            63: "b06521f39153d618550606be297466d5", 64: "014842d480b571495a4a0363793f7367",
            65: "c743a45e0d2e6a95cb859adae0248435", 119: "8a7bd0732ed6a28ce75f6dabc90e1613",
            120: "5f61c0ccad4cac44c75ff505e1f1e537",
        ]
        #expect(Bytes.hex(MD5.hash([UInt8](repeating: UInt8(ascii: "a"), count: length))) == expected[length])
    }

    /// RFC 2104, Appendix "Test Vectors" (the three sample digests), and RFC 2202 test case 6 for
    /// a key longer than the block, which must be hashed first.
    @Test(arguments: [
        (EWSTestBytes.hex([UInt8](repeating: 0x0B, count: 16)), EWSTestBytes.hex(Array("Hi There".utf8)), "9294727a3638bb1c13f48ef8158bfc9d"),
        (EWSTestBytes.hex(Array("Jefe".utf8)), EWSTestBytes.hex(Array("what do ya want for nothing?".utf8)), "750c783e6ab0b503eaa86e310a5db738"),
        (EWSTestBytes.hex([UInt8](repeating: 0xAA, count: 16)), EWSTestBytes.hex([UInt8](repeating: 0xDD, count: 50)), "56be34521d144c88dbb8c733f0e8b3f6"),
        (
            EWSTestBytes.hex([UInt8](repeating: 0xAA, count: 80)),
            EWSTestBytes.hex(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"
        ),
    ])
    func hmacMD5MatchesRFC2104(key: String, message: String, code: String) {
        let result = HMACMD5.authenticationCode(for: Bytes.from(hex: message), key: Bytes.from(hex: key))
        #expect(Bytes.hex(result) == code)
    }

    // MARK: NTLMv2, MS-NLMP §4.2.4

    static let user = "User"
    static let domain = "Domain"
    static let password = "Password"
    static let serverChallenge = Bytes.from(hex: "0123456789abcdef")
    static let clientChallenge = Bytes.from(hex: "aaaaaaaaaaaaaaaa")
    static let randomSessionKey = [UInt8](repeating: 0x55, count: 16)
    /// AV pairs of the §4.2.4 CHALLENGE: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", MsvAvEOL.
    static let targetInfo = Bytes.from(hex: "02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000")

    /// §4.2.4.3, the CHALLENGE_MESSAGE.
    static let challengeMessage = Bytes.from(hex: """
        4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef
        00000000000000002400240044000000060070170000000f5300650072007600
        6500720002000c0044006f006d00610069006e0001000c005300650072007600
        6500720000000000
        """)

    /// §4.2.4.4, the AUTHENTICATE_MESSAGE.
    static let authenticateMessage = Bytes.from(hex: """
        4e544c4d535350000300000018001800 6c00000054005400840000000c000c00
        48000000080008005400000010001000 5c00000010001000d8000000358288e2
        0501280a0000000f44006f006d006100 69006e00550073006500720043004f00
        4d005000550054004500520086c35097 ac9cec102554764a57cccc19aaaaaaaa
        aaaaaaaa68cd0ab851e51c96aabc927b ebef6a1c010100000000000000000000
        00000000aaaaaaaaaaaaaaaa00000000 02000c0044006f006d00610069006e00
        01000c00530065007200760065007200 0000000000000000c5dad2544fc97990
        94ce1ce90bc9d03e
        """)

    /// NTOWFv1 of "Password" (§4.2.2.1.2), the MD4 step NTOWFv2 starts from.
    @Test func ntHashMatchesSpecification() {
        #expect(Bytes.hex(NTLMv2Response.ntHash(password: Self.password)) == "a4f49c406510bdcab6824ee7c30fd852")
    }

    /// §4.2.4.1.1 NTOWFv2() and LMOWFv2().
    @Test func responseKeyMatchesSpecification() {
        let key = NTLMv2Response.responseKey(user: Self.user, domain: Self.domain, password: Self.password)
        #expect(Bytes.hex(key) == "0c868a403bfd7a93a3001ef22ef02e3f")
        // The user name is upper-cased, the domain is not.
        #expect(NTLMv2Response.responseKey(user: "user", domain: Self.domain, password: Self.password) == key)
        #expect(NTLMv2Response.responseKey(user: Self.user, domain: "domain", password: Self.password) != key)
    }

    /// §4.2.4.1.2 session base key, §4.2.4.1.3 temp, §4.2.4.2.1 LMv2 and §4.2.4.2.2 NTLMv2 responses.
    @Test func responsesMatchSpecification() {
        let key = NTLMv2Response.responseKey(user: Self.user, domain: Self.domain, password: Self.password)
        let response = NTLMv2Response(
            responseKey: key, serverChallenge: Self.serverChallenge, clientChallenge: Self.clientChallenge, timestamp: 0,
            targetInfo: Self.targetInfo)
        #expect(Bytes.hex(response.sessionBaseKey) == "8de40ccadbc14a82f15cb0ad0de95ca3")
        #expect(Bytes.hex(response.lmChallengeResponse) == "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa")
        #expect(Bytes.hex(response.ntProofString) == "68cd0ab851e51c96aabc927bebef6a1c")
        let temp = "01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000"
            + "02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000"
        #expect(Bytes.hex(Array(response.ntChallengeResponse.dropFirst(16))) == temp)
    }

    /// §4.2.4.2.3: the random session key RC4-encrypted under the key exchange key.
    @Test func encryptedSessionKeyMatchesSpecification() {
        let sessionBaseKey = Bytes.from(hex: "8de40ccadbc14a82f15cb0ad0de95ca3")
        #expect(Bytes.hex(RC4.apply(key: sessionBaseKey, to: Self.randomSessionKey)) == "c5dad2544fc9799094ce1ce90bc9d03e")
    }

    @Test func challengeMessageIsRead() throws {
        let challenge = try NTLMChallengeMessage(parsing: Self.challengeMessage)
        #expect(challenge.flags.rawValue == 0xE28A_8233)
        #expect(challenge.serverChallenge == Self.serverChallenge)
        #expect(challenge.targetName == "Server")
        #expect(challenge.targetInfo.string(of: NTLMTargetInfo.PairID.netBIOSDomainName) == "Domain")
        #expect(challenge.targetInfo.string(of: NTLMTargetInfo.PairID.netBIOSComputerName) == "Server")
        #expect(challenge.targetInfo.timestamp == nil)
        #expect(challenge.targetInfo.bytes == Self.targetInfo)
    }

    /// The whole AUTHENTICATE_MESSAGE of §4.2.4.4, byte for byte, from the §4.2.4 inputs and the
    /// flags and version the example uses.
    @Test func authenticateMessageMatchesSpecification() throws {
        let message = NTLMAuthenticateMessage(
            credentials: NTLMCredentials(user: Self.user, domain: Self.domain, password: Self.password, workstation: "COMPUTER"),
            challenge: try NTLMChallengeMessage(parsing: Self.challengeMessage),
            flags: NTLMNegotiateFlags(rawValue: 0xE288_8235),
            version: Bytes.from(hex: "0501280a0000000f"),
            clientChallenge: Self.clientChallenge, clientTime: 0, randomSessionKey: Self.randomSessionKey,
            negotiateMessage: NTLMNegotiateMessage().bytes)
        let built = try message.bytes()
        #expect(Bytes.hex(built) == Bytes.hex(Self.authenticateMessage))
    }

    /// A server that sends MsvAvTimestamp gets its own time back, an empty LMv2 response,
    /// MsvAvFlags with the MIC bit, and a MIC over all three messages (§3.1.5.1.2).
    @Test func serverTimestampBringsMIC() throws {
        var info = NTLMTargetInfo(parsing: Self.targetInfo)!
        var time: [UInt8] = []
        NTLMWire.append(UInt64(0x01D9_0000_0000_0000), to: &time)
        info.set(NTLMTargetInfo.PairID.timestamp, to: time)
        let challengeBytes = Self.challenge(withTargetInfo: info.bytes)
        let negotiate = NTLMNegotiateMessage().bytes
        let challenge = try NTLMChallengeMessage(parsing: challengeBytes)
        let message = try NTLMAuthenticateMessage(
            credentials: NTLMCredentials(user: Self.user, domain: Self.domain, password: Self.password),
            challenge: challenge, flags: NTLMNegotiateFlags.authenticateFlags(offered: challenge.flags),
            clientChallenge: Self.clientChallenge, clientTime: 12345, randomSessionKey: Self.randomSessionKey,
            negotiateMessage: negotiate
        ).bytes()

        let lmLength = Int(NTLMWire.uint16(in: message, at: 12)!)
        let lmOffset = Int(NTLMWire.uint32(in: message, at: 16)!)
        #expect(Array(message[lmOffset..<(lmOffset + lmLength)]) == [UInt8](repeating: 0, count: 24))

        let ntLength = Int(NTLMWire.uint16(in: message, at: 20)!)
        let ntOffset = Int(NTLMWire.uint32(in: message, at: 24)!)
        let ntResponse = Array(message[ntOffset..<(ntOffset + ntLength)])
        #expect(Array(ntResponse[24..<32]) == time, "the blob carries the server's time, not ours")
        let echoed = NTLMTargetInfo(parsing: Array(ntResponse[44..<(ntResponse.count - 4)]))!
        #expect(echoed.value(of: NTLMTargetInfo.PairID.flags) == [0x02, 0, 0, 0])

        var zeroedMIC = message
        zeroedMIC.replaceSubrange(72..<88, with: [UInt8](repeating: 0, count: 16))
        let expectedMIC = HMACMD5.authenticationCode(for: negotiate + challengeBytes + zeroedMIC, key: Self.randomSessionKey)
        #expect(Array(message[72..<88]) == expectedMIC)
    }

    @Test func negotiateMessageAsksForUnicodeNTLMv2() {
        let bytes = NTLMNegotiateMessage().bytes
        #expect(bytes.count == 32)
        #expect(Array(bytes.prefix(8)) == Array("NTLMSSP".utf8) + [0])
        #expect(NTLMWire.uint32(in: bytes, at: 8) == 1)
        let flags = NTLMNegotiateFlags(rawValue: NTLMWire.uint32(in: bytes, at: 12)!)
        #expect(flags.isSuperset(of: [.unicode, .ntlm, .extendedSessionSecurity]))
        #expect(!flags.contains(.oem))
    }

    @Test func handshakeProducesAFreshAuthenticateMessage() throws {
        let handshake = NTLMHandshake(credentials: NTLMCredentials(login: "Domain\\User", password: Self.password))
        let first = try handshake.authenticateMessage(answering: Self.challengeMessage)
        let second = try handshake.authenticateMessage(answering: Self.challengeMessage)
        #expect(Array(first.prefix(12)) == Array("NTLMSSP".utf8) + [0, 3, 0, 0, 0])
        #expect(first != second, "client challenge and session key are random")
    }

    @Test func serverWithoutUnicodeIsRefused() throws {
        var bytes = Self.challengeMessage
        bytes[20] &= ~0x01
        let challenge = try NTLMChallengeMessage(parsing: bytes)
        let handshake = NTLMHandshake(credentials: NTLMCredentials(user: "u", domain: "d", password: "p"))
        #expect(throws: NTLMError.self) { try handshake.authenticateMessage(answering: challenge.bytes) }
    }

    /// Every prefix of a real CHALLENGE, and pointers past the end, fail with an error, never a trap.
    @Test func damagedChallengesThrow() {
        for length in 0..<Self.challengeMessage.count - 1 {
            let prefix = Array(Self.challengeMessage.prefix(length))
            #expect(throws: NTLMError.self) { try NTLMChallengeMessage(parsing: prefix) }
        }
        var pointingPastEnd = Self.challengeMessage
        pointingPastEnd[44] = 0xFF
        #expect(throws: NTLMError.self) { try NTLMChallengeMessage(parsing: pointingPastEnd) }
        var hugePairLength = Self.challengeMessage
        hugePairLength[Self.challengeMessage.count - 34] = 0xFF
        #expect(throws: NTLMError.self) { try NTLMChallengeMessage(parsing: hugePairLength) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var noise = Self.challengeMessage
            for _ in 0..<4 {
                let position = Int.random(in: 0..<noise.count, using: &generator)
                noise[position] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? NTLMChallengeMessage(parsing: noise)
        }
    }

    @Test func loginFormsAreSplit() {
        let withDomain = NTLMCredentials(login: "CORP\\ivanov", password: "x")
        #expect(withDomain.user == "ivanov" && withDomain.domain == "CORP")
        let upn = NTLMCredentials(login: "ivanov@corp.example", password: "x")
        #expect(upn.user == "ivanov@corp.example" && upn.domain.isEmpty)
    }

    @Test func passwordNeverShowsInDescription() {
        let credentials = NTLMCredentials(user: "ivanov", domain: "CORP", password: "s3cret-Pa55")
        #expect(!String(describing: credentials).contains("s3cret"))
        #expect(!"\(credentials)".contains("s3cret"))
    }

    /// Windows upper-cases one unit to one: "ß" stays, Cyrillic is upper-cased.
    @Test func userNameUppercasingFollowsWindows() {
        #expect(NTLMv2Response.windowsUppercase("straße") == "STRAßE")
        #expect(NTLMv2Response.windowsUppercase("иванов") == "ИВАНОВ")
    }

    /// The §4.2.4.3 CHALLENGE with other AV pairs in place of its own.
    static func challenge(withTargetInfo info: [UInt8]) -> [UInt8] {
        var bytes = Array(challengeMessage.prefix(0x44))
        bytes[40] = UInt8(info.count & 0xFF)
        bytes[41] = UInt8(info.count >> 8)
        bytes[42] = bytes[40]
        bytes[43] = bytes[41]
        return bytes + info
    }
}
