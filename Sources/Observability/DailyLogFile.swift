import CompressNIO
import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of text lines, one file per UTC day: `<directory>/<prefix>-YYYY-MM-DD.log`.
///
/// Lifecycle of a day's file:
/// - written to as `<prefix>-YYYY-MM-DD.log` while that day is "today" on the ``LogClock``;
/// - once a later day has begun, gzipped to `<prefix>-YYYY-MM-DD.log.gz` and the plain file removed;
/// - deleted when its day is more than `retentionDays` days before today
///   (`today − day > retentionDays`: with the default 30, an archive from 30 days ago is kept and
///   one from 31 days ago is deleted).
///
/// That housekeeping runs when the instance opens (a process started after midnight still compresses
/// yesterday's file, and a process restarted daily still enforces retention), whenever a write
/// notices the day has changed, and whenever ``housekeeping()`` is called.
///
/// Durability: each line goes to the kernel with its own `write(2)` on an `O_APPEND` descriptor,
/// with no buffer in this process, so a crash loses at most the line being written, and several
/// processes (`serve` and `worker`) can share one file without interleaving partial lines. Lines
/// are not `fsync`ed, which would cost a disk flush per log line; a power cut can lose what the
/// kernel had not yet written back.
///
/// Thread safety: one lock guards the descriptor and the current day, and is held only for the
/// day check and the `write(2)` itself. Compression and retention run outside it (serialised by a
/// second lock), so other threads keep logging while yesterday's file is gzipped.
public final class DailyLogFile: Sendable {
    public let directory: URL
    public let prefix: String
    public let retentionDays: Int
    public let clock: any LogClock

    private struct Output: Sendable {
        /// The day `descriptor` belongs to; nil when no file is open for a day.
        var day: LogDay?
        var descriptor: Int32 = -1
        /// Set after a failure has been reported, so a full disk yields one complaint, not one per line.
        var failing = false
    }

    private let output = Mutex(Output())
    private let housekeepingLock = Mutex<Void>(())

    /// Opens (creating if needed) today's file and runs housekeeping once.
    ///
    /// - Parameters:
    ///   - directory: created with its parents if missing.
    ///   - prefix: the start of every file name; must be non-empty and contain no `/`.
    ///   - retentionDays: archives whose day is more than this many days before today are deleted.
    /// - Throws: ``LogFileError`` if the directory cannot be created or today's file cannot be
    ///   opened, so a misconfigured log location fails start-up instead of every log line.
    public init(directory: URL, prefix: String, retentionDays: Int = 30, clock: any LogClock = SystemLogClock()) throws {
        guard !prefix.isEmpty, !prefix.contains("/") else {
            throw LogFileError(operation: "use prefix", path: prefix, code: EINVAL)
        }
        self.directory = directory
        self.prefix = prefix
        self.retentionDays = max(0, retentionDays)
        self.clock = clock

        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: directory.path) {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
            // Logs hold user e-mails and IP addresses: owner and group only.
            _ = chmod(directory.path, 0o750)
        }

        let today = LogDay(clock.now())
        let descriptor = try openForAppend(fileURL(for: today).path)
        output.withLock { state in
            state.day = today
            state.descriptor = descriptor
        }
        housekeeping()
    }

    deinit {
        output.withLock { state in
            if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
            state.descriptor = -1
        }
    }

    /// `<directory>/<prefix>-YYYY-MM-DD.log`, or `.log.gz` for the archive.
    public func fileURL(for day: LogDay, archived: Bool = false) -> URL {
        directory.appendingPathComponent(Self.fileName(prefix: prefix, day: day, archived: archived), isDirectory: false)
    }

    /// The file a write would go to now.
    public var currentFileURL: URL {
        fileURL(for: LogDay(clock.now()))
    }

    /// Appends `line` and a newline to the current day's file.
    ///
    /// `line` must not contain a newline itself (JSON-lines writers escape them). Never throws: a
    /// logger that throws would need a logger of its own. A failure is reported once on stderr and
    /// the file is reopened on the next write.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        let dayChanged: Bool = output.withLock { state in
            // The day is read under the lock so that days only move forward in lock order: a writer
            // that read the clock just before midnight cannot reopen yesterday's file after another
            // writer has moved on and housekeeping has started compressing it.
            let today = LogDay(clock.now())
            var changed = false
            if state.day != today {
                if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
                state.descriptor = -1
                // nil means housekeeping already closed the old day and is dealing with it.
                changed = state.day != nil
                state.day = today
            }
            do {
                if state.descriptor < 0 {
                    state.descriptor = try openForAppend(fileURL(for: today).path)
                }
                let descriptor = state.descriptor
                try bytes.withUnsafeBytes { raw in try writeAll(descriptor, raw) }
                state.failing = false
            } catch {
                if !state.failing {
                    reportToStandardError("DailyLogFile: cannot write \(prefix) log: \(error)")
                }
                state.failing = true
                if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
                state.descriptor = -1
            }
            return changed
        }
        // Outside the lock: gzipping yesterday's file can take a while and must not stall loggers.
        if dayChanged { housekeeping() }
    }

    /// Compresses every plain `.log` of this prefix from a day before today, then deletes archives
    /// older than the retention period. Safe to call at any time, from any thread; errors are
    /// reported on stderr and the remaining files are still processed.
    public func housekeeping() {
        housekeepingLock.withLock { _ in
            let today = LogDay(clock.now())
            // If no line has been written since midnight the descriptor still points at yesterday's
            // file. Close it first so nothing is appended to a file while it is being compressed.
            output.withLock { state in
                if let day = state.day, day < today {
                    if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
                    state.descriptor = -1
                    state.day = nil
                }
            }

            for entry in listFiles() where !entry.archived && entry.day < today {
                compress(day: entry.day)
            }
            // Listed again so that archives just made from old plain files are expired too.
            for entry in listFiles() where entry.archived && today.daysSinceEpoch - entry.day.daysSinceEpoch > retentionDays {
                let path = fileURL(for: entry.day, archived: true).path
                if unlink(path) != 0 && errno != ENOENT {
                    reportToStandardError("DailyLogFile: cannot delete expired \(path): \(LogFileError.describe(errno))")
                }
            }
        }
    }

    /// Closes the open descriptor; the next write reopens the current day's file.
    public func close() {
        output.withLock { state in
            if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
            state.descriptor = -1
        }
    }

    // MARK: - Housekeeping helpers

    static func fileName(prefix: String, day: LogDay, archived: Bool) -> String {
        "\(prefix)-\(day).log" + (archived ? ".gz" : "")
    }

    /// The day and kind of a file name of exactly this prefix, or nil. `app-audit-2026-11-29.log`
    /// is not a file of prefix `app`: what follows `app-` must be the date.
    static func parse(fileName name: String, prefix: String) -> (day: LogDay, archived: Bool)? {
        let head = prefix + "-"
        guard name.hasPrefix(head) else { return nil }
        let rest = name.dropFirst(head.count)
        guard let day = LogDay(rest.prefix(10)) else { return nil }
        switch rest.dropFirst(10) {
        case ".log": return (day, false)
        case ".log.gz": return (day, true)
        default: return nil
        }
    }

    private func listFiles() -> [(day: LogDay, archived: Bool)] {
        do {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            // Oldest first: deterministic order.
            return names.compactMap { Self.parse(fileName: $0, prefix: prefix) }
                .sorted { $0.day < $1.day || ($0.day == $1.day && !$0.archived && $1.archived) }
        } catch {
            reportToStandardError("DailyLogFile: cannot list \(directory.path): \(error)")
            return []
        }
    }

    private func compress(day: LogDay) {
        let plain = fileURL(for: day).path
        let archive = fileURL(for: day, archived: true).path
        do {
            try GzipFile.compress(source: plain, destination: archive)
            if unlink(plain) != 0 && errno != ENOENT {
                throw LogFileError(operation: "remove", path: plain, code: errno)
            }
        } catch {
            // The plain file stays; the next housekeeping tries again.
            reportToStandardError("DailyLogFile: cannot compress \(plain): \(error)")
        }
    }
}

/// A failed system call on a log file.
public struct LogFileError: Error, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let code: Int32

    public var description: String { "cannot \(operation) \(path): \(Self.describe(code))" }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// gzip of whole files, streamed through CompressNIO's zlib binding in 64 KiB blocks so a large
/// day of logs never sits in memory at once. The output is a standard gzip member (zlib's
/// `windowBits + 16` mode): `gzip -d`, `zcat` and Python's `gzip` read it.
enum GzipFile {
    static let blockSize = 64 * 1024

    /// Writes `destination` atomically (temporary file, `fsync`, `rename`), so a crash never
    /// leaves a truncated archive under the real name.
    static func compress(source: String, destination: String) throws {
        // Another process sharing the directory (`worker` beside `serve`) may append a line to
        // yesterday's file just as we read it. If the file grew while we compressed, do it again.
        for _ in 0..<3 {
            let consumed = try compressOnce(source: source, destination: destination)
            guard let size = fileSize(source), size > consumed else { return }
        }
    }

    /// Returns how many bytes of `source` were compressed.
    private static func compressOnce(source: String, destination: String) throws -> Int {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw LogFileError(operation: "open", path: source, code: errno) }
        defer { closeDescriptor(input) }

        let temporary = destination + ".tmp-\(getpid())"
        let out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard out >= 0 else { throw LogFileError(operation: "create", path: temporary, code: errno) }
        var finished = false
        defer {
            closeDescriptor(out)
            if !finished { _ = unlink(temporary) }
        }
        _ = fchmod(out, 0o640)

        let compressor = try ZlibCompressor(algorithm: .gzip)
        var window = ByteBufferAllocator().buffer(capacity: blockSize)
        let emit: (ByteBuffer) throws -> Void = { compressed in
            try compressed.withUnsafeReadableBytes { raw in try writeAll(out, raw) }
        }
        var chunk = [UInt8](repeating: 0, count: blockSize)
        var consumed = 0
        while true {
            let count = try readSome(input, into: &chunk, path: source)
            if count == 0 { break }
            consumed += count
            var block = ByteBuffer(bytes: chunk[0..<count])
            try block.compressStream(with: compressor, window: &window, flush: .no, process: emit)
        }
        // An empty block with `.finish` writes out what zlib still holds plus the gzip trailer.
        var end = ByteBufferAllocator().buffer(capacity: 0)
        try end.compressStream(with: compressor, window: &window, flush: .finish, process: emit)

        guard fsync(out) == 0 else { throw LogFileError(operation: "sync", path: temporary, code: errno) }
        guard rename(temporary, destination) == 0 else {
            throw LogFileError(operation: "rename to \(destination)", path: temporary, code: errno)
        }
        finished = true
        return consumed
    }

    /// Inflates a whole gzip stream in memory. For tests and tools reading small archives.
    static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        let inflated = try buffer.decompress(with: ZlibAlgorithm.gzip)
        return Array(inflated.readableBytesView)
    }
}

// MARK: - POSIX helpers
//
// Free functions rather than methods: inside `DailyLogFile`, a bare `write` or `close` would
// resolve to the class's own methods, not to the system calls.

/// Opens for appending, creating with mode 0640. The explicit `fchmod` applies 0640 whatever the
/// process umask is.
private func openForAppend(_ path: String) throws -> Int32 {
    while true {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        if descriptor >= 0 {
            _ = fchmod(descriptor, 0o640)
            return descriptor
        }
        if errno == EINTR { continue }
        throw LogFileError(operation: "open", path: path, code: errno)
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// `write(2)` until every byte is out: a regular-file write is normally complete in one call,
/// but signals and full disks can cut it short.
private func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws {
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, base + offset, bytes.count - offset)
        if written > 0 {
            offset += written
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            throw LogFileError(operation: "write", path: "descriptor \(descriptor)", code: written < 0 ? errno : EIO)
        }
    }
}

private func readSome(_ descriptor: Int32, into buffer: inout [UInt8], path: String) throws -> Int {
    while true {
        let count = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress, raw.count) }
        if count >= 0 { return count }
        if errno == EINTR { continue }
        throw LogFileError(operation: "read", path: path, code: errno)
    }
}

private func fileSize(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
}

/// Problems with the log files themselves cannot go to the log; stderr is what is left.
private func reportToStandardError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    try? bytes.withUnsafeBytes { raw in try writeAll(STDERR_FILENO, raw) }
}
