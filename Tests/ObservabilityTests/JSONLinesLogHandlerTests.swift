import Foundation
import Logging
import Testing
@testable import Observability

@Suite struct JSONLinesLogHandlerTests {
    /// 2026-11-29T06:01:02.123Z
    static let instant = Date(timeIntervalSince1970: 1_795_932_062.123)

    @Test func secretsNeverReachTheDisk() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: ManualLogClock(Self.instant))
        var logger = Logger(label: "web.auth") { label in JSONLinesLogHandler(label: label, file: file) }
        logger[metadataKey: "request"] = "r-1"
        logger.info("login with token=abc987 for anna", metadata: [
            "password": "hunter2",
            "user": "anna@a.ru",
            "count": .stringConvertible(3),
            "nested": .dictionary([
                "csrf_token": "zzz-csrf",
                "list": .array([.dictionary(["api_key": "k-secret-1"]), .string("plain")]),
            ]),
        ])

        #expect(file.currentFileURL.lastPathComponent == "app-2026-11-29.log")
        let raw = try String(contentsOf: file.currentFileURL, encoding: .utf8)
        for secret in ["abc987", "hunter2", "zzz-csrf", "k-secret-1"] {
            #expect(!raw.contains(secret), "\(secret) reached the disk")
        }
        let lines = try readLines(file.currentFileURL)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        let object = try jsonObject(line)
        #expect(object["ts"] as? String == "2026-11-29T06:01:02.123Z")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "web.auth")
        #expect(object["msg"] as? String == "login with token=*** for anna")
        #expect(object["password"] as? String == "***")
        #expect(object["user"] as? String == "anna@a.ru")
        #expect(object["request"] as? String == "r-1")
        #expect(object["count"] as? String == "3")
        #expect(object["source"] as? String == "ObservabilityTests")
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["csrf_token"] as? String == "***")
        let list = try #require(nested["list"] as? [Any])
        #expect((list.first as? [String: Any])?["api_key"] as? String == "***")
        #expect(list.last as? String == "plain")
    }

    @Test func fieldOrderIsFixedThenSortedMetadataThenSource() {
        let line = JSONLinesLogHandler.render(
            time: Self.instant, level: .warning, label: "l", message: "m",
            metadata: ["zeta": "1", "alpha": "2", "mid": .dictionary(["b": "1", "a": "2"])], source: "Web")
        #expect(line == #"{"ts":"2026-11-29T06:01:02.123Z","level":"warning","label":"l","msg":"m","alpha":"2","mid":{"a":"2","b":"1"},"zeta":"1","source":"Web"}"#)
    }

    @Test func metadataCannotOverwriteFixedFields() throws {
        let line = JSONLinesLogHandler.render(
            time: Self.instant, level: .info, label: "l", message: "real",
            metadata: ["msg": "fake", "ts": "then"], source: "Web")
        let object = try jsonObject(line)
        #expect(object["msg"] as? String == "real")
        #expect(object["ts"] as? String == "2026-11-29T06:01:02.123Z")
        #expect(object["meta.msg"] as? String == "fake")
        #expect(object["meta.ts"] as? String == "then")
    }

    @Test func stringsAreEscapedAndUnicodeKept() throws {
        let tricky = "quote \" backslash \\ newline \n return \r tab \t bell \u{07} unit \u{1F} Привет 🙂 \u{2028}"
        let line = JSONLinesLogHandler.render(
            time: Self.instant, level: .error, label: "метка", message: tricky,
            metadata: ["текст": .string(tricky)], source: "Web")
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{07}") && !line.contains("\u{1F}"))
        #expect(line.contains("Привет 🙂"), "non-ASCII stays UTF-8, not \\u escapes")
        #expect(line.contains(#"\u0007"#) && line.contains(#"\u001f"#))
        let object = try jsonObject(line)
        #expect(object["msg"] as? String == tricky)
        #expect(object["текст"] as? String == tricky)
        #expect(object["label"] as? String == "метка")
    }

    @Test func levelsAndHandlerMetadataFollowSwiftLogRules() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: ManualLogClock(Self.instant))
        var logger = Logger(label: "jobs") { label in JSONLinesLogHandler(label: label, file: file, logLevel: .notice) }
        logger[metadataKey: "job"] = "a"
        logger.info("dropped: below notice")
        logger.notice("kept", metadata: ["job": "b"])
        #expect(logger.logLevel == .notice)
        let lines = try readLines(file.currentFileURL)
        #expect(lines.count == 1)
        let first = try #require(lines.first)
        let object = try jsonObject(first)
        #expect(object["msg"] as? String == "kept")
        #expect(object["job"] as? String == "b", "per-call metadata wins over the handler's")
    }

    @Test func bootstrapHandlerCarriesTheLevel() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: ManualLogClock(Self.instant))
        let plain = LoggingBootstrap.makeHandler(label: "x", file: file, level: .debug, alsoToStderr: false)
        #expect(plain is JSONLinesLogHandler)
        #expect(plain.logLevel == .debug)
        let both = LoggingBootstrap.makeHandler(label: "x", file: file, level: .error, alsoToStderr: true)
        #expect(both is MultiplexLogHandler)
        #expect(both.logLevel == .error)
        let logger = Logger(label: "x") { _ in LoggingBootstrap.makeHandler(label: "x", file: file, level: .debug, alsoToStderr: false) }
        logger.debug("through the factory")
        #expect(try readLines(file.currentFileURL).count == 1)
    }

    struct LoginFailure: Error, CustomStringConvertible {
        var description: String { "rejected password=hunter2 for anna" }
    }

    @Test func loggedErrorsAreRecordedAndMasked() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: ManualLogClock(Self.instant))
        let logger = Logger(label: "auth") { label in JSONLinesLogHandler(label: label, file: file) }
        logger.error("sign-in failed", error: LoginFailure())
        let raw = try String(contentsOf: file.currentFileURL, encoding: .utf8)
        #expect(!raw.contains("hunter2"))
        let first = try #require(try readLines(file.currentFileURL).first)
        let object = try jsonObject(first)
        #expect(object["error.message"] as? String == "rejected password=*** for anna")
        #expect((object["error.type"] as? String)?.hasSuffix("LoginFailure") == true)
        #expect(object["level"] as? String == "error")
    }

    @Test func eightTasksWritingConcurrentlyProduceWholeLines() async throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let file = try DailyLogFile(directory: directory, prefix: "load", clock: ManualLogClock(Self.instant))
        let logger = Logger(label: "load") { label in JSONLinesLogHandler(label: label, file: file, logLevel: .trace) }
        let padding = String(repeating: "x", count: 300)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        logger.info("line \(index) of task \(task)", metadata: [
                            "task": "\(task)", "index": "\(index)", "padding": .string(padding),
                        ])
                    }
                }
            }
        }

        let text = try String(contentsOf: file.currentFileURL, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 4000)
        var seen = Set<String>()
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let task = object["task"] as? String, let index = object["index"] as? String,
                  object["padding"] as? String == padding
            else {
                Issue.record("malformed line: \(line.prefix(120))")
                continue
            }
            seen.insert("\(task)/\(index)")
        }
        #expect(seen.count == 4000)
    }
}
