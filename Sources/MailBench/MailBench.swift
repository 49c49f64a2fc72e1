import Foundation
import Logging
import MailProtocols
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `mail-bench imap|smtp …`: our side of `scripts/bench imap` and `scripts/bench smtp`
// (scripts/benchmarks/imap.py and smtp.py fill the servers, run this, then the Python peers).
//
//   mail-bench imap --host H --port P --user U --password W --ca CA.pem --mailbox NAME [--batch N]
//       log in, EXAMINE NAME, then UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE
//       BODY.PEEK[HEADER] BODY.PEEK[1]<0.2048>) — in UID ranges of N when --batch N > 0, until a
//       range comes back empty (the Python peer does the same)
//   mail-bench smtp --host H --port P --user U --password W --ca CA.pem --messages DIR
//                   [--count N] [--from ADDRESS] [--to ADDRESS]
//       send N messages (the *.eml files of DIR in name order, repeated if N is larger) over one
//       connection, one envelope each, then QUIT
//
// Both connect with implicit TLS, trusting only the CA given. Prints one JSON object: messages,
// seconds (wall clock from connecting to the last message — for smtp to the reply to QUIT),
// messages_per_s, cpu_seconds and cpu_ms_per_message (this process, every thread), and for imap
// bytes (header + text sections fetched, which the driver compares with the peer's).

@main
enum MailBench {
    static let usage = """
        usage: mail-bench imap --host H --port P --user U --password W --ca CA.pem --mailbox NAME [--batch N]
               mail-bench smtp --host H --port P --user U --password W --ca CA.pem --messages DIR [--count N] [--from A] [--to A]
        """

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let mode = arguments.first, mode == "imap" || mode == "smtp" else {
            fail(usage, status: 2)
        }
        arguments.removeFirst()
        do {
            let options = try Options(arguments)
            let result: BenchResult
            if mode == "imap" {
                result = try await imap(options)
            } else {
                result = try await smtp(options)
            }
            print(try result.json())
        } catch {
            fail("mail-bench \(mode): \(error)", status: 1)
        }
    }

    static func imap(_ options: Options) async throws -> BenchResult {
        let endpoint = try endpoint(options)
        let username = try options.string("user")
        let password = try options.string("password")
        let mailbox = try options.string("mailbox")
        let batch = try options.int("batch", default: 0)
        let stopwatch = Stopwatch()
        let fetched = try await BenchRuns.fetchAll(
            endpoint: endpoint, logger: logger(), username: username, password: password, mailbox: mailbox, batch: batch
        )
        return stopwatch.result(messages: fetched.messages, bytes: fetched.bytes)
    }

    static func smtp(_ options: Options) async throws -> BenchResult {
        let endpoint = try endpoint(options)
        let credentials = SMTPCredentials(username: try options.string("user"), password: try options.string("password"))
        let directory = try options.string("messages")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }.sorted()
        let messages: [[UInt8]] = try names.map { name in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
            return Array(data)
        }
        guard !messages.isEmpty else { throw UsageError("no *.eml files in \(directory)") }
        let count = try options.int("count", default: messages.count)
        let envelope = SMTPEnvelope(
            from: options.optional("from") ?? "bench@smartysales.test",
            recipients: [options.optional("to") ?? "ours@bench.smartysales.test"]
        )
        let stopwatch = Stopwatch()
        try await BenchRuns.sendAll(
            endpoint: endpoint, credentials: credentials, logger: logger(), messages: messages, count: count, envelope: envelope
        )
        return stopwatch.result(messages: count, bytes: nil)
    }

    static func endpoint(_ options: Options) throws -> MailServerEndpoint {
        let caPath = try options.string("ca")
        guard let ca = FileManager.default.contents(atPath: caPath) else { throw UsageError("cannot read --ca \(caPath)") }
        return MailServerEndpoint(
            host: try options.string("host"),
            port: try options.int("port"),
            tls: .implicit,
            trust: .customCA(pem: Array(ca))
        )
    }

    static func logger() -> Logger {
        var logger = Logger(label: "mail-bench")
        logger.logLevel = .warning
        return logger
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(status)
    }
}

// MARK: - The runs

enum BenchRuns {
    /// Connects, signs in, examines the mailbox and fetches every message in one command or in
    /// batches of `batch` UIDs.
    static func fetchAll(
        endpoint: MailServerEndpoint, logger: Logger, username: String, password: String, mailbox: String, batch: Int
    ) async throws -> (messages: Int, bytes: Int) {
        let client = IMAPClient(endpoint: endpoint, logger: logger)
        try await client.connect()
        try await client.login(username: username, password: password)
        _ = try await client.examine(mailbox)

        func fetch(_ uids: ClosedRange<UInt32>) async throws -> [FetchedMessage] {
            // BODY.PEEK[HEADER] and the first 2 KB of part 1, what inbound sync fetches.
            try await client.fetch(uidRange: uids, items: [.uid, .flags, .internalDate, .size, .headers, .section("1", window: 0..<2048)])
        }

        var messages = 0
        var bytes = 0
        func count(_ fetched: [FetchedMessage]) {
            for message in fetched {
                messages += 1
                bytes += message.sections.values.reduce(0) { $0 + $1.count }
            }
        }

        if batch <= 0 {
            count(try await fetch(1...UInt32.max))
        } else {
            var low: UInt32 = 1
            while true {
                let high = UInt32(min(UInt64(low) + UInt64(batch) - 1, UInt64(UInt32.max)))
                let fetched = try await fetch(low...high)
                if fetched.isEmpty { break }
                count(fetched)
                if high == UInt32.max { break }
                low = high + 1
            }
        }
        await client.logout()
        return (messages, bytes)
    }

    /// Connects, signs in and sends every message over the one connection.
    static func sendAll(
        endpoint: MailServerEndpoint, credentials: SMTPCredentials, logger: Logger,
        messages: [[UInt8]], count: Int, envelope: SMTPEnvelope
    ) async throws {
        let client = SMTPClient(endpoint: endpoint, credentials: credentials)
        try await client.connect()
        for index in 0..<count {
            _ = try await client.send(messages[index % messages.count], envelope: envelope)
        }
        await client.quit()
    }
}

// MARK: - Plumbing

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `--name value` pairs.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else {
                throw UsageError("expected --name value, got \(name)\n\(MailBench.usage)")
            }
            values[String(name.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    func optional(_ name: String) -> String? { values[name] }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw UsageError("--\(name) is required\n\(MailBench.usage)") }
        return value
    }

    func int(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            if let fallback { return fallback }
            throw UsageError("--\(name) is required\n\(MailBench.usage)")
        }
        guard let value = Int(text) else { throw UsageError("--\(name) must be a whole number, not \(text)") }
        return value
    }
}

/// Wall clock and this process's CPU time (every thread) since it was made.
struct Stopwatch {
    private let start: ContinuousClock.Instant
    private let startCPU: Double

    init() {
        start = ContinuousClock.now
        startCPU = Stopwatch.cpuSeconds()
    }

    func result(messages: Int, bytes: Int?) -> BenchResult {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return BenchResult(messages: messages, bytes: bytes, seconds: seconds, cpuSeconds: Stopwatch.cpuSeconds() - startCPU)
    }

    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

struct BenchResult {
    var messages: Int
    var bytes: Int?
    var seconds: Double
    var cpuSeconds: Double

    func json() throws -> String {
        var object: [String: Any] = [
            "messages": messages,
            "seconds": seconds,
            "messages_per_s": seconds > 0 ? Double(messages) / seconds : 0,
            "cpu_seconds": cpuSeconds,
            "cpu_ms_per_message": messages > 0 ? cpuSeconds * 1000 / Double(messages) : 0,
        ]
        if let bytes { object["bytes"] = bytes }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
