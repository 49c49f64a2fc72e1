import Foundation
import Testing
@testable import Storage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Fixtures

/// Obviously fake key material: bytes 00 01 ... 1f and 20 21 ... 3f.
private enum Fixture {
    static let key1Bytes = Array(UInt8(0x00)...UInt8(0x1f))
    static let key2Bytes = Array(UInt8(0x20)...UInt8(0x3f))
    /// base64 of key1Bytes / key2Bytes, as an operator would write them.
    static let key1Base64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let key2Base64 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
    /// Fixed IV for the deterministic vectors only: f0 f1 ... ff.
    static let fixedIV = Array(UInt8(0xf0)...UInt8(0xff))

    static func key1() throws -> MasterKey { try MasterKey(id: "k1", bytes: key1Bytes) }
    static func key2() throws -> MasterKey { try MasterKey(id: "k2", bytes: key2Bytes) }

    static func box(current: MasterKey, previous: [MasterKey] = []) throws -> SecretBox {
        try SecretBox(keyring: MasterKeyring(current: current, previous: previous))
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined()
}

/// Splits a sealed string into its header (`v1.<id>.`) and decoded payload.
private func splitSealed(_ sealed: String) throws -> (header: String, payload: [UInt8]) {
    let lastDot = try #require(sealed.lastIndex(of: "."))
    let header = String(sealed[...lastDot])
    let payload = try #require(SecretBox.base64URLDecode(sealed[sealed.index(after: lastDot)...]))
    return (header, payload)
}

// MARK: - Fixed vectors

/*
 The vectors below were computed independently with Python's `cryptography`
 package (not with this code). To regenerate, run this with python3:

 import base64, hashlib, hmac
 from cryptography.hazmat.primitives import hashes, padding
 from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
 from cryptography.hazmat.primitives.kdf.hkdf import HKDF

 MASTER = bytes(range(0x00, 0x20))  # fake test key 00 01 .. 1f
 KEY_ID = "k1"
 IV = bytes(range(0xF0, 0x100))     # fixed IV f0 f1 .. ff (tests only)

 def subkey(info):
     # salt=None means HashLen zero bytes, which HMAC treats exactly like
     # the empty salt SecretBox passes.
     return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(MASTER)

 enc_key = subkey(b"smartysales secretbox v1 enc")
 mac_key = subkey(b"smartysales secretbox v1 mac")
 print("enc", enc_key.hex())
 print("mac", mac_key.hex())

 def seal(plaintext):
     padder = padding.PKCS7(128).padder()
     padded = padder.update(plaintext) + padder.finalize()
     encryptor = Cipher(algorithms.AES(enc_key), modes.CBC(IV)).encryptor()
     ciphertext = encryptor.update(padded) + encryptor.finalize()
     header = f"v1.{KEY_ID}.".encode("ascii")
     tag = hmac.new(mac_key, header + IV + ciphertext, hashlib.sha256).digest()
     payload = base64.urlsafe_b64encode(IV + ciphertext + tag).rstrip(b"=")
     return header.decode("ascii") + payload.decode("ascii")

 for text in ["", "correct horse battery staple", "0123456789abcdef",
              "Пароль от почтового ящика: секрет"]:
     print(repr(text), seal(text.encode("utf-8")))
 */

struct FixedVector: Sendable, CustomTestStringConvertible {
    let plaintext: String
    let sealed: String
    var testDescription: String { "\(plaintext.utf8.count)-byte plaintext" }
}

private let fixedVectors: [FixedVector] = [
    FixedVector(
        plaintext: "",
        sealed: "v1.k1.8PHy8_T19vf4-fr7_P3-_0eJCCBDjLr-H5aai3zL5kfsyLnr8OU_aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF_AA"
    ),
    FixedVector(
        plaintext: "correct horse battery staple",
        sealed: "v1.k1.8PHy8_T19vf4-fr7_P3-_1wWJK3ljBLS8nCI0Ae1xndgIG2zq-sexaVTZESWjPKQWIHql5tHARV_hzW4R_Eb9bX59Mq7BcH2Hm-x-NFBR1Q"
    ),
    // Exactly one block: PKCS#7 must add a whole padding block.
    FixedVector(
        plaintext: "0123456789abcdef",
        sealed: "v1.k1.8PHy8_T19vf4-fr7_P3-_78tCLzR_mVaKSDY2i8vHfGz2smEIrwXctrHqzZc-HDe-Nos0bPdVaGXWLdpwXgGDkOO3ZGcu-JuI8es7nQhAN0"
    ),
    // 61 bytes of UTF-8 (Cyrillic), spanning four blocks.
    FixedVector(
        plaintext: "Пароль от почтового ящика: секрет",
        sealed: "v1.k1.8PHy8_T19vf4-fr7_P3-_4uF9m4X3Gx2NaKlV6dkpVbeFCOV0oWLy69UxRaMtyOlj5EhHwBLMBNx58W5XMXN7A9PodqLvQHwqd53xk6ap5AffHOrb5p5msk1a-BAOgGlVOMcISqVU99ouchg1IhtaQ"
    ),
]

@Suite("SecretBox")
struct SecretBoxTests {
    @Test("HKDF subkeys match the independently computed ones")
    func subkeyDerivation() throws {
        let box = try Fixture.box(current: Fixture.key1())
        let subkeys = try #require(box.subkeys(forKeyID: "k1"))
        #expect(hex(subkeys.encryption) == "ed90026cb0a076612b0187886cbd61949d52c19f2492fae7a5d41d7e12fd75dc")
        #expect(hex(subkeys.authentication) == "f5df07a0c87c9ecfc6d42a27a0854eb7b9411264ea57ce79fddca33c0770e016")
    }

    @Test("Deterministic seal matches the Python vectors", arguments: fixedVectors)
    func fixedVectorSeal(_ vector: FixedVector) throws {
        let box = try Fixture.box(current: Fixture.key1())
        let sealed = try box.seal(Array(vector.plaintext.utf8), iv: Fixture.fixedIV)
        #expect(sealed == vector.sealed)
        #expect(try box.open(vector.sealed) == vector.plaintext)
    }

    @Test("Round trip with random IVs; equal plaintexts seal differently")
    func roundTrip() throws {
        let box = try Fixture.box(current: Fixture.key1())
        let plaintexts = [
            "", "x", "hunter2-not-a-real-password", "0123456789abcdef",
            "Пароль от почтового ящика: секрет", "emoji 🔐🗝️ and\nnewlines\t",
            String(repeating: "long secret ", count: 200),
        ]
        for plaintext in plaintexts {
            let first = try box.seal(plaintext)
            let second = try box.seal(plaintext)
            #expect(first != second, "random IV must make ciphertexts differ")
            #expect(try box.open(first) == plaintext)
            #expect(try box.open(second) == plaintext)

            // Shape: ASCII only, version + key id header, unpadded base64url,
            // IV + whole padded blocks + MAC.
            #expect(first.hasPrefix("v1.k1."))
            #expect(first.utf8.allSatisfy { $0 >= 0x21 && $0 < 0x7f })
            #expect(!first.contains("=") && !first.contains("+") && !first.contains("/"))
            let (_, payload) = try splitSealed(first)
            let paddedCount = (plaintext.utf8.count / 16 + 1) * 16
            #expect(payload.count == 16 + paddedCount + 32)
        }
    }

    @Test("Raw bytes round trip; non-UTF-8 bytes are not returned as a String")
    func bytesRoundTrip() throws {
        let box = try Fixture.box(current: Fixture.key1())
        let bytes: [UInt8] = [0x00, 0xff, 0xfe, 0x80, 0x41]
        let sealed = try box.seal(bytes)
        #expect(try box.openBytes(sealed) == bytes)
        #expect(throws: SecretBoxError.invalidUTF8) { try box.open(sealed) }
    }

    // MARK: Tampering

    @Test("Any flipped bit in IV, ciphertext or MAC fails authentication", arguments: [0, 3])
    func flippedBits(vectorIndex: Int) throws {
        let box = try Fixture.box(current: Fixture.key1())
        let (header, payload) = try splitSealed(fixedVectors[vectorIndex].sealed)
        let macStart = payload.count - 32
        for position in payload.indices {
            let region = position < 16 ? "IV" : position < macStart ? "ciphertext" : "MAC"
            for bit in 0..<8 {
                var tampered = payload
                tampered[position] ^= UInt8(1) << UInt8(bit)
                let sealed = header + SecretBox.base64URLEncode(tampered)
                #expect(throws: SecretBoxError.authenticationFailed, "\(region) byte \(position) bit \(bit)") {
                    try box.openBytes(sealed)
                }
            }
        }
    }

    @Test("Changing the key id or version is rejected")
    func tamperedHeader() throws {
        // Both keys present, so a swapped id reaches the MAC check.
        let box = try Fixture.box(current: Fixture.key1(), previous: [Fixture.key2()])
        let sealed = fixedVectors[1].sealed
        let body = String(sealed.dropFirst("v1.k1.".count))
        #expect(try box.open(sealed) == fixedVectors[1].plaintext)

        #expect(throws: SecretBoxError.authenticationFailed) { try box.open("v1.k2." + body) }
        #expect(throws: SecretBoxError.unknownKey("k9")) { try box.open("v1.k9." + body) }
        #expect(throws: SecretBoxError.unsupportedVersion("v2")) { try box.open("v2.k1." + body) }
        #expect(throws: SecretBoxError.unsupportedVersion("v0")) { try box.open("v0.k1." + body) }
        #expect(throws: SecretBoxError.malformed) { try box.open("V1.k1." + body) }
        #expect(throws: SecretBoxError.malformed) { try box.open("x1.k1." + body) }
        #expect(throws: SecretBoxError.malformed) { try box.open(".k1." + body) }
        #expect(throws: SecretBoxError.malformed) { try box.open("v1.k 1." + body) }
    }

    @Test("Structural tampering: spliced MAC, dropped block, appended block")
    func structuralTampering() throws {
        let box = try Fixture.box(current: Fixture.key1())
        let (header, long) = try splitSealed(fixedVectors[3].sealed)   // 16 + 64 + 32 bytes
        let (_, short) = try splitSealed(fixedVectors[1].sealed)       // 16 + 32 + 32 bytes

        // Another value's MAC on this ciphertext.
        let spliced = Array(long.dropLast(32)) + Array(short.suffix(32))
        #expect(throws: SecretBoxError.authenticationFailed) {
            try box.open(header + SecretBox.base64URLEncode(spliced))
        }
        // Drop the last ciphertext block (length stays valid).
        let droppedBlock = Array(long[..<(long.count - 48)]) + Array(long.suffix(32))
        #expect(throws: SecretBoxError.authenticationFailed) {
            try box.open(header + SecretBox.base64URLEncode(droppedBlock))
        }
        // Append a block.
        let zeroBlock = [UInt8](repeating: 0, count: 16)
        let appendedBlock = Array(long.dropLast(32)) + zeroBlock + Array(long.suffix(32))
        #expect(throws: SecretBoxError.authenticationFailed) {
            try box.open(header + SecretBox.base64URLEncode(appendedBlock))
        }
        // Same ciphertext under a different key with the same id (misconfiguration).
        let impostor = try Fixture.box(current: MasterKey(id: "k1", bytes: Fixture.key2Bytes))
        #expect(throws: SecretBoxError.authenticationFailed) { try impostor.open(fixedVectors[3].sealed) }
    }

    // MARK: Malformed input

    @Test("Malformed inputs are rejected as malformed", arguments: [
        "", ".", "..", "...", "v1", "v1.", "v1.k1", "v1.k1.", "v1..AAAA",
        "v1.k1.@@@@", "v1.k1.AAAA", "v1.k1.A",
        "v1.k1.8PHy8_T19vf4-fr7_P3-_0eJCCBDjLr-H5aai3zL5kfsyLnr8OU_aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF_AA.extra",
        "v1.k1.8PHy8_T19vf4-fr7_P3-_0eJCCBDjLr-H5aai3zL5kfsyLnr8OU_aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF_AA==",
        "v1.k1.8PHy8_T19vf4-fr7_P3-_0eJCCBDjLr-H5aai3zL5kfsyLnr8OU_aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF_AA\n",
        " v1.k1.8PHy8_T19vf4-fr7_P3-_0eJCCBDjLr-H5aai3zL5kfsyLnr8OU_aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF_AA",
        // Standard (non-URL) base64 alphabet.
        "v1.k1.8PHy8/T19vf4+fr7/P3+/0eJCCBDjLr+H5aai3zL5kfsyLnr8OU/aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF/AA",
        // Non-canonical final character (same bytes, non-zero spare bits).
        "v1.k1.8PHy8_T19vf4-fr7_P3-_0eJCCBDjLr-H5aai3zL5kfsyLnr8OU_aqMG6Ij6oVwKORYs0z1uC4EOcj0oqAF_AB",
        "v1.k1.ÄÖÜ",
        "not a secret at all",
    ])
    func malformed(_ input: String) throws {
        let box = try Fixture.box(current: Fixture.key1())
        #expect(throws: SecretBoxError.malformed) { try box.open(input) }
        #expect(!box.needsRotation(input))
    }

    @Test("Every truncation is rejected; short ones as malformed")
    func truncation() throws {
        let box = try Fixture.box(current: Fixture.key1())
        let sealed = fixedVectors[3].sealed
        let headerCount = "v1.k1.".count
        // 64 bytes (IV + one block + MAC) need at least 86 base64 characters.
        let minimumPayloadCharacters = 86
        for length in 0..<sealed.count {
            let truncated = String(sealed.prefix(length))
            if length - headerCount < minimumPayloadCharacters {
                #expect(throws: SecretBoxError.malformed, "prefix of length \(length)") {
                    try box.open(truncated)
                }
            } else {
                // Some truncations still decode to a plausible length; they must
                // then fail authentication.
                do {
                    _ = try box.open(truncated)
                    Issue.record("truncated value of length \(length) opened")
                } catch let error as SecretBoxError {
                    #expect(error == .malformed || error == .authenticationFailed, "prefix of length \(length)")
                }
            }
        }
    }

    // MARK: Rotation

    @Test("Values sealed under an old key still open and are flagged for rotation")
    func rotation() throws {
        let secret = "imap-password-for-tests"
        let boxA = try Fixture.box(current: Fixture.key1())
        let sealedUnderK1 = try boxA.seal(secret)
        #expect(sealedUnderK1.hasPrefix("v1.k1."))
        #expect(!boxA.needsRotation(sealedUnderK1))

        // Rotated: k2 current, k1 kept for decryption.
        let boxB = try Fixture.box(current: Fixture.key2(), previous: [Fixture.key1()])
        #expect(boxB.currentKeyID == "k2")
        #expect(try boxB.open(sealedUnderK1) == secret)
        #expect(boxB.needsRotation(sealedUnderK1))

        let resealed = try boxB.seal(boxB.open(sealedUnderK1))
        #expect(resealed.hasPrefix("v1.k2."))
        #expect(!boxB.needsRotation(resealed))
        #expect(try boxB.open(resealed) == secret)

        // k1 retired: old values no longer open, re-sealed ones do.
        let boxC = try Fixture.box(current: Fixture.key2())
        #expect(throws: SecretBoxError.unknownKey("k1")) { try boxC.open(sealedUnderK1) }
        #expect(try boxC.open(resealed) == secret)
        #expect(boxC.needsRotation(sealedUnderK1))
        #expect(!boxC.needsRotation("garbage"))
    }

    @Test("Keyring rejects duplicate key ids")
    func duplicateIDs() throws {
        #expect(throws: MasterKeyError.duplicateKeyID(source: .initializer, keyID: "k1")) {
            try MasterKeyring(current: Fixture.key1(), previous: [MasterKey(id: "k1", bytes: Fixture.key2Bytes)])
        }
    }
}

// MARK: - MasterKeyring loading

private func temporaryDataDirectory() -> URL {
    // Not created: `load` must create missing directories itself.
    FileManager.default.temporaryDirectory
        .appendingPathComponent("smartysales-keyring-\(UUID().uuidString)", isDirectory: true)
        .appendingPathComponent("data", isDirectory: true)
}

private func keyFilePath(in directory: URL) -> String {
    directory.appendingPathComponent(MasterKeyring.keyFileName).path
}

/// Permission bits of `path`, via stat(2) so the check does not depend on how
/// Foundation reports attributes on this platform.
private func permissions(of path: String) throws -> UInt32 {
    var info = stat()
    let result = stat(path, &info)
    try #require(result == 0, "stat \(path)")
    return UInt32(info.st_mode) & 0o7777
}

private func setPermissions(_ mode: Int, of path: String) throws {
    let result = chmod(path, mode_t(mode))
    try #require(result == 0, "chmod \(path)")
}

private func writeFile(_ contents: String, to directory: URL, mode: Int) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = keyFilePath(in: directory)
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    try setPermissions(mode, of: path)
}

struct EnvironmentCase: Sendable, CustomTestStringConvertible {
    let value: String
    let expected: MasterKeyError
    var testDescription: String { "\(expected)" }
}

private let environmentSource = MasterKeySource.environment(variable: MasterKeyring.environmentVariable)

private let badEnvironmentValues: [EnvironmentCase] = [
    EnvironmentCase(value: "", expected: .emptyEnvironmentValue(variable: "SMARTYSALES_MASTER_KEY")),
    EnvironmentCase(value: "  ", expected: .emptyEnvironmentValue(variable: "SMARTYSALES_MASTER_KEY")),
    EnvironmentCase(value: ",", expected: .noKeys(source: environmentSource)),
    EnvironmentCase(value: "k1", expected: .malformedEntry(source: environmentSource, position: 1)),
    EnvironmentCase(value: "k1:", expected: .malformedEntry(source: environmentSource, position: 1)),
    EnvironmentCase(value: "k1:not base64!", expected: .invalidBase64(source: environmentSource, keyID: "k1")),
    EnvironmentCase(
        value: "k1:AAECAwQFBgcICQoLDA0ODw==",  // 16 bytes
        expected: .invalidKeyLength(source: environmentSource, keyID: "k1", byteCount: 16)
    ),
    EnvironmentCase(
        value: "bad id:\(Fixture.key1Base64)",
        expected: .invalidKeyID(source: environmentSource, position: 1)
    ),
    EnvironmentCase(
        value: "k1:\(Fixture.key1Base64),\(String(repeating: "x", count: 33)):\(Fixture.key2Base64)",
        expected: .invalidKeyID(source: environmentSource, position: 2)
    ),
    EnvironmentCase(
        value: "k1:\(Fixture.key1Base64),k1:\(Fixture.key2Base64)",
        expected: .duplicateKeyID(source: environmentSource, keyID: "k1")
    ),
    EnvironmentCase(
        value: "k1:\(Fixture.key1Base64),,oops",
        expected: .malformedEntry(source: environmentSource, position: 3)
    ),
]

@Suite("MasterKeyring")
struct MasterKeyringTests {
    @Test("First load creates master.key with mode 0600; second load reads the same key")
    func createsKeyFile() throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let path = keyFilePath(in: directory)

        let first = try MasterKeyring.load(environment: [:], dataDirectory: directory)
        #expect(first.current.id == "k1")
        #expect(first.orderedIDs == ["k1"])
        #expect(first.current.rawBytes.count == 32)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try permissions(of: path) == 0o600)

        let second = try MasterKeyring.load(environment: [:], dataDirectory: directory)
        #expect(second.current.id == "k1")
        #expect(second.current.rawBytes == first.current.rawBytes)

        // And the key is usable across loads (i.e. across restarts).
        let sealed = try SecretBox(keyring: first).seal("survives a restart")
        #expect(try SecretBox(keyring: second).open(sealed) == "survives a restart")
    }

    @Test("A key file readable by group or others is refused", arguments: [0o644, 0o640, 0o604, 0o660, 0o666])
    func refusesLoosePermissions(mode: Int) throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let path = keyFilePath(in: directory)

        _ = try MasterKeyring.load(environment: [:], dataDirectory: directory)
        try setPermissions(mode, of: path)

        let error = #expect(throws: MasterKeyError.self) {
            try MasterKeyring.load(environment: [:], dataDirectory: directory)
        }
        #expect(error == MasterKeyError.insecurePermissions(path: path, mode: UInt32(mode)))
        #expect(error?.description.contains("chmod 600") == true)
    }

    @Test("An owner-only read-only key file (0400) is accepted")
    func acceptsReadOnlyFile() throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        try writeFile("k1:\(Fixture.key1Base64)\n", to: directory, mode: 0o400)

        let keyring = try MasterKeyring.load(environment: [:], dataDirectory: directory)
        #expect(keyring.current.rawBytes == Fixture.key1Bytes)
    }

    @Test("Hand-edited key file: comments, blank lines, rotation order")
    func parsesKeyFile() throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let contents = """
            # rotated 2024-01-01
            k2:\(Fixture.key2Base64)

            k1:\(Fixture.key1Base64)\r

            """
        try writeFile(contents, to: directory, mode: 0o600)

        let keyring = try MasterKeyring.load(environment: [:], dataDirectory: directory)
        #expect(keyring.current.id == "k2")
        #expect(keyring.orderedIDs == ["k2", "k1"])
        #expect(keyring.key(id: "k1")?.rawBytes == Fixture.key1Bytes)
        #expect(keyring.key(id: "k2")?.rawBytes == Fixture.key2Bytes)
    }

    @Test("Key file problems are reported with the line number")
    func badKeyFile() throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let path = keyFilePath(in: directory)

        try writeFile("# only a comment\n", to: directory, mode: 0o600)
        #expect(throws: MasterKeyError.noKeys(source: .file(path: path))) {
            try MasterKeyring.load(environment: [:], dataDirectory: directory)
        }

        try writeFile("# header\nk1:\(Fixture.key1Base64)\ngarbage\n", to: directory, mode: 0o600)
        #expect(throws: MasterKeyError.malformedEntry(source: .file(path: path), position: 3)) {
            try MasterKeyring.load(environment: [:], dataDirectory: directory)
        }
    }

    @Test("Environment variable with two keys: first is current, second kept for decryption")
    func environmentTwoKeys() throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let value = " k2:\(Fixture.key2Base64) , k1:\(Fixture.key1Base64),"

        let keyring = try MasterKeyring.load(
            environment: [MasterKeyring.environmentVariable: value, "UNRELATED": "x"],
            dataDirectory: directory
        )
        #expect(keyring.current.id == "k2")
        #expect(keyring.current.rawBytes == Fixture.key2Bytes)
        #expect(keyring.orderedIDs == ["k2", "k1"])
        #expect(keyring.key(id: "k1")?.rawBytes == Fixture.key1Bytes)
        // The environment wins: no key file is generated.
        #expect(!FileManager.default.fileExists(atPath: keyFilePath(in: directory)))

        // A value sealed by the Python vectors (k1) opens via the env keyring.
        #expect(try SecretBox(keyring: keyring).open(fixedVectors[3].sealed) == fixedVectors[3].plaintext)
    }

    @Test("Bad environment values are rejected", arguments: badEnvironmentValues)
    func badEnvironment(_ testCase: EnvironmentCase) throws {
        let directory = temporaryDataDirectory()
        let error = #expect(throws: MasterKeyError.self) {
            try MasterKeyring.load(
                environment: [MasterKeyring.environmentVariable: testCase.value],
                dataDirectory: directory
            )
        }
        #expect(error == testCase.expected)
        // Never fall back to (or create) a key file when the variable is set.
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("Errors and descriptions never contain key material")
    func noKeyMaterialInText() throws {
        let key = try Fixture.key1()
        let keyring = try MasterKeyring(current: key, previous: [Fixture.key2()])
        var dumped = ""
        dump(key, to: &dumped)
        dump(keyring, to: &dumped)
        let texts = [
            String(describing: key), String(reflecting: key), "\(keyring)", String(reflecting: keyring), dumped,
        ]
        for text in texts {
            #expect(!text.contains(Fixture.key1Base64) && !text.contains(Fixture.key2Base64), "\(text)")
            #expect(!text.contains(hex(Fixture.key1Bytes)) && !text.contains("rawBytes"), "\(text)")
        }
        #expect(String(describing: key) == "MasterKey(id: k1)")

        // An entry with id and key swapped puts the key where the id goes; the
        // error must not echo it back.
        let error = #expect(throws: MasterKeyError.self) {
            try MasterKeyring.load(
                environment: [MasterKeyring.environmentVariable: "\(Fixture.key1Base64.dropLast()):k1"],
                dataDirectory: temporaryDataDirectory()
            )
        }
        #expect(error == MasterKeyError.invalidKeyID(source: environmentSource, position: 1))
        #expect(error?.description.contains(String(Fixture.key1Base64.prefix(20))) == false)
    }

    @Test("generateKeyLine produces fresh, loadable key lines")
    func generateKeyLine() throws {
        let line = MasterKeyring.generateKeyLine(id: "k7")
        #expect(line.hasPrefix("k7:"))
        #expect(line != MasterKeyring.generateKeyLine(id: "k7"))

        let keyring = try MasterKeyring.load(
            environment: [MasterKeyring.environmentVariable: "\(line),k1:\(Fixture.key1Base64)"],
            dataDirectory: temporaryDataDirectory()
        )
        #expect(keyring.current.id == "k7")
        #expect(keyring.current.rawBytes.count == 32)
    }
}
