import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - MasterKey

/// A 256-bit master key together with the short identifier that is written
/// next to every ciphertext sealed under it.
///
/// The raw bytes are deliberately `internal`: nothing outside this module should
/// ever need them, and keeping them out of the public surface makes it harder to
/// log or serialise them by accident. `description`, `debugDescription` and the
/// reflection mirror (used by `dump`, test failure messages and string
/// interpolation) show only the id.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Master keys are always 32 bytes (AES-256 / HMAC-SHA256 strength).
    public static let byteCount = 32

    /// Identifier stored in sealed values, e.g. `k1`. Not secret.
    public let id: String

    /// The key material. Never log or print this.
    let rawBytes: [UInt8]

    /// Creates a key from raw bytes, validating the id and the length.
    public init(id: String, bytes: [UInt8]) throws {
        guard Self.isValidID(id) else {
            throw MasterKeyError.invalidKeyID(source: .initializer, position: 1)
        }
        guard bytes.count == Self.byteCount else {
            throw MasterKeyError.invalidKeyLength(source: .initializer, keyID: id, byteCount: bytes.count)
        }
        self.id = id
        self.rawBytes = bytes
    }

    /// Generates a fresh random key.
    public static func generate(id: String) throws -> MasterKey {
        try MasterKey(id: id, bytes: secureRandomBytes(count: byteCount))
    }

    /// Key ids end up inside sealed strings (which use `.` as a separator) and
    /// in error messages, so they are restricted to a short, boring alphabet.
    public static func isValidID(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...32).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    public var description: String { "MasterKey(id: \(id))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["id": id], displayStyle: .struct) }
}

// MARK: - MasterKeyring

/// The set of master keys the process knows about: one *current* key used for
/// every new seal, plus older keys kept only so that values sealed before a key
/// rotation can still be opened (and re-sealed under the current key).
public struct MasterKeyring: Sendable, CustomStringConvertible {
    /// Environment variable holding `id:base64key[,id:base64key...]`; the first
    /// entry is the current key. Takes precedence over the key file.
    public static let environmentVariable = "SMARTYSALES_MASTER_KEY"

    /// Name of the key file inside the data directory.
    public static let keyFileName = "master.key"

    /// Id given to the key generated on first start.
    public static let initialKeyID = "k1"

    /// The key used for new seals.
    public let current: MasterKey

    /// Every known key (current included), by id.
    public let keys: [String: MasterKey]

    /// Key ids in configuration order: current first, then older keys.
    public let orderedIDs: [String]

    /// Builds a keyring from explicit keys; throws if two keys share an id.
    public init(current: MasterKey, previous: [MasterKey] = []) throws {
        try self.init(orderedKeys: [current] + previous, source: .initializer)
    }

    private init(orderedKeys: [MasterKey], source: MasterKeySource) throws {
        guard let first = orderedKeys.first else {
            throw MasterKeyError.noKeys(source: source)
        }
        var byID: [String: MasterKey] = [:]
        for key in orderedKeys {
            // A duplicated id would make it ambiguous which key opens a value.
            guard byID.updateValue(key, forKey: key.id) == nil else {
                throw MasterKeyError.duplicateKeyID(source: source, keyID: key.id)
            }
        }
        self.current = first
        self.keys = byID
        self.orderedIDs = orderedKeys.map(\.id)
    }

    /// Looks up a key by id.
    public func key(id: String) -> MasterKey? { keys[id] }

    public var description: String {
        "MasterKeyring(current: \(current.id), keys: [\(orderedIDs.joined(separator: ", "))])"
    }

    // MARK: Loading

    /// Loads the keyring for this process.
    ///
    /// 1. If `SMARTYSALES_MASTER_KEY` is present it must hold one or more
    ///    comma-separated `id:base64key` entries; the first is current. A
    ///    present-but-blank value is an error rather than "unset": silently
    ///    falling back to a generated key file would hide a broken secret
    ///    injection until someone notices that stored passwords no longer open.
    /// 2. Otherwise `<dataDirectory>/master.key` is used (same `id:base64key`
    ///    format, one per line, first key line current, `#` comments and blank
    ///    lines ignored). If it does not exist a new key `k1` is generated and
    ///    the file is created with mode 0600; if it exists but is readable by
    ///    group or others, loading is refused.
    public static func load(environment: [String: String], dataDirectory: URL) throws -> MasterKeyring {
        if let value = environment[environmentVariable] {
            return try fromEnvironmentValue(value)
        }
        return try loadOrCreateKeyFile(in: dataDirectory)
    }

    /// Produces a fresh `id:base64key` line, for an operator rotating keys:
    /// prepend it to `SMARTYSALES_MASTER_KEY` (or as the first key line of
    /// `master.key`) and keep the old entries after it.
    ///
    /// - Precondition: `id` satisfies ``MasterKey/isValidID(_:)``. This is an
    ///   operator tool, so an invalid id is a programming error in the caller.
    public static func generateKeyLine(id: String) -> String {
        precondition(MasterKey.isValidID(id), "master key ids must match [A-Za-z0-9_-]{1,32}")
        return keyLine(id: id, bytes: secureRandomBytes(count: MasterKey.byteCount))
    }

    static func keyLine(id: String, bytes: [UInt8]) -> String {
        "\(id):\(Data(bytes).base64EncodedString())"
    }

    static func fromEnvironmentValue(_ value: String) throws -> MasterKeyring {
        let source = MasterKeySource.environment(variable: environmentVariable)
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw MasterKeyError.emptyEnvironmentValue(variable: environmentVariable)
        }
        var entries: [(position: Int, text: Substring)] = []
        // Tolerate a trailing comma or blank entries, but keep positions
        // honest so error messages point at the right entry.
        for (offset, entry) in value.split(separator: ",", omittingEmptySubsequences: false).enumerated()
        where !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            entries.append((offset + 1, entry))
        }
        return try parse(entries: entries, source: source)
    }

    static func fromKeyFileContents(_ contents: String, path: String) throws -> MasterKeyring {
        var entries: [(position: Int, text: Substring)] = []
        // Split on newline *Characters*: Swift treats "\r\n" as a single
        // Character, so splitting on "\n" alone would miss CRLF line ends.
        // Keeping empty lines keeps the reported line numbers honest.
        let lines = contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            entries.append((offset + 1, line))
        }
        return try parse(entries: entries, source: .file(path: path))
    }

    private static func parse(entries: [(position: Int, text: Substring)], source: MasterKeySource) throws -> MasterKeyring {
        var keys: [MasterKey] = []
        for (position, text) in entries {
            // Error messages below never include the entry text itself: a
            // mangled entry (e.g. id and key swapped) may contain key material.
            guard let colon = text.firstIndex(of: ":") else {
                throw MasterKeyError.malformedEntry(source: source, position: position)
            }
            let id = text[..<colon].trimmingCharacters(in: .whitespaces)
            let encoded = text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            guard MasterKey.isValidID(id) else {
                throw MasterKeyError.invalidKeyID(source: source, position: position)
            }
            guard !encoded.isEmpty else {
                throw MasterKeyError.malformedEntry(source: source, position: position)
            }
            guard let decoded = Data(base64Encoded: encoded) else {
                throw MasterKeyError.invalidBase64(source: source, keyID: id)
            }
            guard decoded.count == MasterKey.byteCount else {
                throw MasterKeyError.invalidKeyLength(source: source, keyID: id, byteCount: decoded.count)
            }
            keys.append(try MasterKey(id: id, bytes: [UInt8](decoded)))
        }
        return try MasterKeyring(orderedKeys: keys, source: source)
    }

    private static func loadOrCreateKeyFile(in dataDirectory: URL) throws -> MasterKeyring {
        let path = dataDirectory.appendingPathComponent(keyFileName).path
        // Two attempts: if another process creates the file between our failed
        // read and our exclusive create, the second pass reads its key instead
        // of ending up with two processes using different keys.
        for _ in 0..<2 {
            if let contents = try KeyFile.contentsIfPresent(path: path) {
                return try fromKeyFileContents(contents, path: path)
            }
            do {
                try FileManager.default.createDirectory(
                    at: dataDirectory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw MasterKeyError.directoryCreationFailed(path: dataDirectory.path, reason: String(describing: error))
            }
            let key = try MasterKey.generate(id: initialKeyID)
            let contents = """
                # SmartySales master key file. Keep it secret (mode 0600) and back it up:
                # without it, stored mailbox passwords and API keys cannot be decrypted.
                # One `id:base64key` per line. The first key line is the current key;
                # later lines are older keys kept so existing values still open.
                \(keyLine(id: key.id, bytes: key.rawBytes))

                """
            if try KeyFile.createExclusively(path: path, contents: contents) {
                KeyFile.syncDirectory(path: dataDirectory.path)
                return try MasterKeyring(orderedKeys: [key], source: .file(path: path))
            }
        }
        throw MasterKeyError.fileSystem(path: path, operation: "create", errno: EEXIST)
    }
}

// MARK: - Errors

/// Where a key came from, for error messages.
public enum MasterKeySource: Sendable, Equatable, CustomStringConvertible {
    case environment(variable: String)
    case file(path: String)
    case initializer

    public var description: String {
        switch self {
        case .environment(let variable): "environment variable \(variable)"
        case .file(let path): "key file \(path)"
        case .initializer: "MasterKey/MasterKeyring initializer"
        }
    }

    fileprivate var positionNoun: String {
        switch self {
        case .environment: "entry"
        case .file: "line"
        case .initializer: "key"
        }
    }
}

/// Problems loading master keys. Messages name ids, paths and positions but
/// never contain key material.
public enum MasterKeyError: Error, Equatable, CustomStringConvertible {
    case emptyEnvironmentValue(variable: String)
    case noKeys(source: MasterKeySource)
    case malformedEntry(source: MasterKeySource, position: Int)
    case invalidKeyID(source: MasterKeySource, position: Int)
    case invalidBase64(source: MasterKeySource, keyID: String)
    case invalidKeyLength(source: MasterKeySource, keyID: String, byteCount: Int)
    case duplicateKeyID(source: MasterKeySource, keyID: String)
    case insecurePermissions(path: String, mode: UInt32)
    case notARegularFile(path: String)
    case fileTooLarge(path: String)
    case notUTF8(path: String)
    case directoryCreationFailed(path: String, reason: String)
    case fileSystem(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .emptyEnvironmentValue(let variable):
            return "\(variable) is set but empty; set it to `id:base64key[,id:base64key...]` or unset it to use the key file"
        case .noKeys(let source):
            return "\(source) contains no keys; expected `id:base64key` entries"
        case .malformedEntry(let source, let position):
            return "\(source), \(source.positionNoun) \(position): expected `id:base64key`"
        case .invalidKeyID(let source, let position):
            return "\(source), \(source.positionNoun) \(position): key id must be 1-32 characters of [A-Za-z0-9_-]"
        case .invalidBase64(let source, let keyID):
            return "\(source), key \(keyID): key is not valid base64"
        case .invalidKeyLength(let source, let keyID, let byteCount):
            return "\(source), key \(keyID): key must decode to exactly \(MasterKey.byteCount) bytes, got \(byteCount)"
        case .duplicateKeyID(let source, let keyID):
            return "\(source): key id \(keyID) appears more than once"
        case .insecurePermissions(let path, let mode):
            return "master key file \(path) has mode 0\(String(mode, radix: 8)), which lets other users read it; run `chmod 600 \(path)`"
        case .notARegularFile(let path):
            return "master key file \(path) is not a regular file"
        case .fileTooLarge(let path):
            return "master key file \(path) is unexpectedly large; it should hold a few `id:base64key` lines"
        case .notUTF8(let path):
            return "master key file \(path) is not valid UTF-8 text"
        case .directoryCreationFailed(let path, let reason):
            return "cannot create data directory \(path): \(reason)"
        case .fileSystem(let path, let operation, let code):
            return "master key file \(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

// MARK: - Helpers

/// Cryptographically secure random bytes from BoringSSL's RNG (via
/// `SymmetricKey(size:)`), so key and IV generation share one audited source.
func secureRandomBytes(count: Int) -> [UInt8] {
    SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
}

/// Raw POSIX file handling for the key file. Foundation's file APIs cannot
/// create a file with a given mode atomically or `fstat` the descriptor they
/// read from, both of which matter here: the file must never exist with a
/// looser mode, and the permission check must apply to the file we read, not
/// to whatever the path pointed at a moment earlier.
///
/// (No member here may be named `open`, `read`, `write`, `close`, ... — a
/// member would shadow the libc function of the same name.)
private enum KeyFile {
    static let maximumSize = 64 * 1024
    static let fileTypeMask: mode_t = 0o170000
    static let regularFileType: mode_t = 0o100000

    /// Reads the key file, or returns `nil` if it does not exist. Throws if it
    /// is not a regular file or is accessible to group/others.
    static func contentsIfPresent(path: String) throws -> String? {
        var fd: Int32 = -1
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw MasterKeyError.fileSystem(path: path, operation: "open", errno: code)
        }
        defer { _ = close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw MasterKeyError.fileSystem(path: path, operation: "stat", errno: errno)
        }
        guard info.st_mode & fileTypeMask == regularFileType else {
            throw MasterKeyError.notARegularFile(path: path)
        }
        let permissions = UInt32(info.st_mode & 0o7777)
        guard permissions & 0o077 == 0 else {
            throw MasterKeyError.insecurePermissions(path: path, mode: permissions)
        }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { chunk in
                read(fd, chunk.baseAddress, chunk.count)
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MasterKeyError.fileSystem(path: path, operation: "read", errno: code)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            guard bytes.count <= maximumSize else {
                throw MasterKeyError.fileTooLarge(path: path)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MasterKeyError.notUTF8(path: path)
        }
        return text
    }

    /// Creates the file with `O_CREAT | O_EXCL` and mode 0600 in one syscall,
    /// so it never exists with looser permissions and an existing file (or
    /// symlink) is never overwritten. Returns `false` if the path already
    /// exists. A half-written file is removed so the next start retries.
    static func createExclusively(path: String, contents: String) throws -> Bool {
        var fd: Int32 = -1
        repeat {
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            let code = errno
            if code == EEXIST { return false }
            throw MasterKeyError.fileSystem(path: path, operation: "create", errno: code)
        }

        var completed = false
        defer {
            _ = close(fd)
            if !completed { _ = unlink(path) }
        }

        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { all in
                write(fd, all.baseAddress! + written, all.count - written)
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MasterKeyError.fileSystem(path: path, operation: "write", errno: code)
            }
            written += count
        }
        // The key must be durable before anything is sealed with it: losing it
        // after a crash would make every stored secret unrecoverable.
        guard fsync(fd) == 0 else {
            throw MasterKeyError.fileSystem(path: path, operation: "fsync", errno: errno)
        }
        completed = true
        return true
    }

    /// Best effort: persist the new directory entry too. Failure is ignored
    /// because some platforms/filesystems do not support fsync on directories.
    static func syncDirectory(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = close(fd)
    }
}
