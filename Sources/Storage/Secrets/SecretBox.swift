import Crypto
import Foundation
import _CryptoExtras

/// Encrypts small secrets (mailbox passwords, API keys) for storage in the
/// database, under the process's ``MasterKeyring``.
///
/// ## Construction
///
/// AES-256-CBC with PKCS#7 padding and a random 16-byte IV, then
/// HMAC-SHA256 over the result (encrypt-then-MAC). For each master key two
/// independent 32-byte subkeys are derived with HKDF-SHA256 (empty salt):
///
///     encKey = HKDF(master, info: "smartysales secretbox v1 enc")
///     macKey = HKDF(master, info: "smartysales secretbox v1 mac")
///
/// so the cipher and the MAC never share a key. Every step is a standard
/// primitive, so values can be checked or recovered with any crypto library
/// (the tests reproduce them with Python's `cryptography`).
///
/// ## Sealed format
///
///     v1.<keyID>.<base64url(iv[16] || ciphertext[16·n] || mac[32])>
///
/// - `v1` is the format version; `keyID` names the master key
///   (`[A-Za-z0-9_-]{1,32}`); base64url is unpadded (RFC 4648 §5).
/// - `mac = HMAC-SHA256(macKey, "v1.<keyID>." || iv || ciphertext)`: the MAC
///   covers the textual header exactly as written, so changing the version or
///   the key id invalidates it. Because ids cannot contain `.`, the header
///   boundary is unambiguous.
/// - The whole string is printable ASCII, safe for a TEXT column, URL/CSV
///   contexts and log redaction patterns.
///
/// The MAC is verified (in constant time) before any decryption, so a
/// tampered value is rejected without ever touching the padding — there is no
/// padding oracle.
public struct SecretBox: Sendable {
    static let version = "v1"
    static let ivByteCount = 16
    static let blockByteCount = 16
    static let macByteCount = 32
    static let subkeyByteCount = 32
    static let encryptionInfo = Array("smartysales secretbox v1 enc".utf8)
    static let authenticationInfo = Array("smartysales secretbox v1 mac".utf8)

    /// Per-master-key subkeys. Stored as plain bytes (not `SymmetricKey`) so
    /// the box is `Sendable` with every supported swift-crypto version.
    struct Subkeys: Sendable {
        let encryption: [UInt8]
        let authentication: [UInt8]
    }

    public let keyring: MasterKeyring
    private let derivedKeys: [String: Subkeys]

    public init(keyring: MasterKeyring) {
        self.keyring = keyring
        // Derive once up front; HKDF per operation would be wasted work.
        self.derivedKeys = keyring.keys.mapValues(Self.deriveSubkeys(from:))
    }

    /// Id of the key new values are sealed under.
    public var currentKeyID: String { keyring.current.id }

    // MARK: Sealing

    /// Encrypts a UTF-8 string under the current key.
    public func seal(_ plaintext: String) throws -> String {
        try seal(Array(plaintext.utf8))
    }

    /// Encrypts raw bytes under the current key.
    public func seal(_ plaintext: [UInt8]) throws -> String {
        try seal(plaintext, iv: secureRandomBytes(count: Self.ivByteCount))
    }

    /// Deterministic sealing with a caller-chosen IV. Only for fixed test
    /// vectors: reusing an IV leaks whether two plaintexts share a prefix.
    func seal(_ plaintext: [UInt8], iv: [UInt8]) throws -> String {
        precondition(iv.count == Self.ivByteCount, "AES-CBC IV must be 16 bytes")
        let key = keyring.current
        guard let keys = derivedKeys[key.id] else {
            // Unreachable: init derives subkeys for every key in the keyring.
            throw SecretBoxError.unknownKey(key.id)
        }

        let ciphertext: [UInt8]
        do {
            let cbcIV = try AES._CBC.IV(ivBytes: iv)
            ciphertext = try Array(AES._CBC.encrypt(plaintext, using: SymmetricKey(data: keys.encryption), iv: cbcIV))
        } catch {
            throw SecretBoxError.encryptionFailed
        }

        let header = Self.header(keyID: key.id)
        let body = iv + ciphertext
        let mac = Self.authenticationCode(header: header, body: body, key: keys.authentication)
        return header + Self.base64URLEncode(body + mac)
    }

    // MARK: Opening

    /// Decrypts a value produced by ``seal(_:)``. Works for values
    /// sealed under any key still in the keyring, so rotation does not break
    /// existing rows.
    public func open(_ sealed: String) throws -> String {
        let bytes = try openBytes(sealed)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SecretBoxError.invalidUTF8
        }
        return text
    }

    /// Decrypts a value to raw bytes.
    public func openBytes(_ sealed: String) throws -> [UInt8] {
        let parsed = try Self.parse(sealed)
        guard let keys = derivedKeys[parsed.keyID] else {
            throw SecretBoxError.unknownKey(parsed.keyID)
        }

        guard let blob = Self.base64URLDecode(parsed.payload) else {
            throw SecretBoxError.malformed
        }
        // At least IV + one cipher block + MAC, and whole cipher blocks only.
        let ciphertextCount = blob.count - Self.ivByteCount - Self.macByteCount
        guard ciphertextCount >= Self.blockByteCount, ciphertextCount % Self.blockByteCount == 0 else {
            throw SecretBoxError.malformed
        }
        let body = Array(blob[..<(blob.count - Self.macByteCount)])
        let mac = Array(blob[(blob.count - Self.macByteCount)...])

        // Authenticate before decrypting (encrypt-then-MAC). The comparison is
        // constant time so timing reveals nothing about how much of a forged
        // MAC was right.
        let macInput = Array(Self.header(keyID: parsed.keyID).utf8) + body
        guard HMAC<SHA256>.isValidAuthenticationCode(
            mac,
            authenticating: macInput,
            using: SymmetricKey(data: keys.authentication)
        ) else {
            throw SecretBoxError.authenticationFailed
        }

        do {
            let iv = try AES._CBC.IV(ivBytes: body[..<Self.ivByteCount])
            let ciphertext = Array(body[Self.ivByteCount...])
            return try Array(AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: keys.encryption), iv: iv))
        } catch {
            // Only reachable if a correctly MACed value has bad padding, i.e.
            // it was produced by something other than this code.
            throw SecretBoxError.decryptionFailed
        }
    }

    /// `true` when `sealed` is a well-formed value sealed under a key other than
    /// the current one, i.e. it should be re-sealed after a key rotation.
    /// Malformed values return `false`: they cannot be re-sealed anyway, and
    /// ``open(_:)`` reports the real problem.
    public func needsRotation(_ sealed: String) -> Bool {
        guard let parsed = try? Self.parse(sealed) else { return false }
        return parsed.keyID != keyring.current.id
    }

    // MARK: Internals

    static func deriveSubkeys(from key: MasterKey) -> Subkeys {
        let inputKeyMaterial = SymmetricKey(data: key.rawBytes)
        func derive(_ info: [UInt8]) -> [UInt8] {
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: inputKeyMaterial,
                info: info,
                outputByteCount: subkeyByteCount
            ).withUnsafeBytes { Array($0) }
        }
        return Subkeys(encryption: derive(encryptionInfo), authentication: derive(authenticationInfo))
    }

    /// Subkeys for a key id, for tests pinning the HKDF step.
    func subkeys(forKeyID id: String) -> Subkeys? { derivedKeys[id] }

    static func header(keyID: String) -> String {
        "\(version).\(keyID)."
    }

    static func authenticationCode(header: String, body: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(header.utf8) + body, using: SymmetricKey(data: key)))
    }

    struct Parsed {
        let keyID: String
        let payload: Substring
    }

    /// Splits `v1.<keyID>.<payload>` and validates the header. The payload is
    /// decoded later so `needsRotation` stays cheap.
    static func parse(_ sealed: String) throws -> Parsed {
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw SecretBoxError.malformed }
        let (versionPart, keyIDPart, payload) = (parts[0], parts[1], parts[2])

        guard versionPart == Self.version else {
            // Distinguish "a newer format this build cannot read" from junk.
            let looksLikeVersion = versionPart.count > 1
                && versionPart.first == "v"
                && versionPart.dropFirst().allSatisfy { $0.isASCII && $0.isWholeNumber }
            throw looksLikeVersion ? SecretBoxError.unsupportedVersion(String(versionPart)) : SecretBoxError.malformed
        }
        let keyID = String(keyIDPart)
        guard MasterKey.isValidID(keyID), !payload.isEmpty else { throw SecretBoxError.malformed }
        return Parsed(keyID: keyID, payload: payload)
    }

    /// Unpadded base64url (RFC 4648 §5).
    static func base64URLEncode(_ bytes: [UInt8]) -> String {
        let standard = Data(bytes).base64EncodedString()
        return String(standard.compactMap { character -> Character? in
            switch character {
            case "+": return "-"
            case "/": return "_"
            case "=": return nil
            default: return character
            }
        })
    }

    /// Strict unpadded base64url decoding. Rejects anything outside the
    /// alphabet (including padding and whitespace) and non-canonical encodings,
    /// so each sealed value has exactly one textual form.
    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        let isAlphabet: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count % 4 != 1, utf8.allSatisfy(isAlphabet) else { return nil }

        var standard = String(text.map { character -> Character in
            switch character {
            case "-": return "+"
            case "_": return "/"
            default: return character
            }
        })
        standard += String(repeating: "=", count: (4 - utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        let bytes = [UInt8](data)
        // Base64 can encode the final bits of a group in more than one way;
        // only accept the canonical one.
        guard base64URLEncode(bytes) == text else { return nil }
        return bytes
    }
}

/// Why a secret could not be sealed or opened. Deliberately coarse: callers
/// should treat anything but `unknownKey` as "the stored value is corrupt or
/// forged", and the cases carry no plaintext or key material.
public enum SecretBoxError: Error, Equatable, CustomStringConvertible {
    /// Not a sealed value at all: wrong shape, bad base64, impossible length.
    case malformed
    /// A sealed-value format version this build does not understand.
    case unsupportedVersion(String)
    /// Sealed under a key id that is not in the keyring (e.g. an old key was
    /// dropped from `SMARTYSALES_MASTER_KEY` too early).
    case unknownKey(String)
    /// The MAC did not verify: the value was modified or the key is wrong.
    case authenticationFailed
    /// The MAC verified but the ciphertext did not decrypt cleanly.
    case decryptionFailed
    /// Decrypted bytes are not UTF-8 (value was sealed as raw bytes).
    case invalidUTF8
    /// The cipher rejected the input; should not happen with a valid keyring.
    case encryptionFailed

    public var description: String {
        switch self {
        case .malformed: "sealed secret is malformed"
        case .unsupportedVersion(let version): "sealed secret uses unsupported format version \(version)"
        case .unknownKey(let id): "sealed secret uses master key \(id), which is not in the keyring"
        case .authenticationFailed: "sealed secret failed authentication (tampered or wrong key)"
        case .decryptionFailed: "sealed secret could not be decrypted"
        case .invalidUTF8: "sealed secret does not contain UTF-8 text"
        case .encryptionFailed: "secret could not be encrypted"
        }
    }
}
