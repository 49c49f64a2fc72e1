import Foundation
import Testing
@testable import Observability

/// Collects what it is given, to check fan-out.
actor RecordingSink: AuditSink {
    private(set) var events: [AuditEvent] = []

    func record(_ event: AuditEvent) async {
        events.append(event)
    }
}

@Suite struct AuditLogTests {
    /// 2026-11-29T06:01:02Z, a whole second so it survives the millisecond timestamp exactly.
    static let instant = Date(timeIntervalSince1970: 1_795_932_062)

    static func sampleEvent(details: [String: String]) -> AuditEvent {
        AuditEvent(
            time: instant, kind: "http.request", companyID: UUID(), userID: UUID(), actor: "anna@a.ru",
            method: "POST", path: "/signup", status: 303, durationMs: 12.5, ip: "10.0.0.7", details: details)
    }

    @Test func fileSinkWritesOneMaskedJSONLinePerEvent() async throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let sink = try FileAuditSink(directory: directory, clock: ManualLogClock(Self.instant))
        let event = Self.sampleEvent(details: [
            "form.password": "hunter2-secret",
            "query": "a=1&token=tok-secret",
            "form.company_name": "ООО Ромашка",
        ])
        await sink.record(event)
        await sink.record(AuditEvent(time: Self.instant, kind: "auth.login", actor: "anna@a.ru"))

        let url = directory.appendingPathComponent("audit-2026-11-29.log")
        #expect(sink.file.currentFileURL.path == url.path)
        let raw = try String(contentsOf: url, encoding: .utf8)
        #expect(!raw.contains("hunter2-secret") && !raw.contains("tok-secret"))
        let lines = try readLines(url)
        #expect(lines.count == 2)

        let decoded = try FileAuditSink.decode(line: lines[0])
        #expect(decoded.details["form.password"] == "***")
        #expect(decoded.details["query"] == "a=1&token=***")
        #expect(decoded.details["form.company_name"] == "ООО Ромашка")
        var expected = event
        expected.details = decoded.details
        #expect(decoded == expected, "everything but the masked details round-trips")

        let object = try jsonObject(lines[0])
        #expect(object["time"] as? String == "2026-11-29T06:01:02.000Z")
        #expect(object["path"] as? String == "/signup", "slashes are not escaped")
        #expect(lines[0].contains(#""path":"/signup""#))

        let login = try FileAuditSink.decode(line: lines[1])
        #expect(login.kind == "auth.login")
        #expect(login.companyID == nil && login.status == nil)
        #expect(!lines[1].contains("companyID"), "absent fields are left out")
    }

    @Test func aNonFiniteDurationDoesNotLoseTheEvent() throws {
        var event = Self.sampleEvent(details: ["csrf_token": "zz"])
        event.durationMs = .nan
        let line = FileAuditSink.line(for: event)
        let decoded = try FileAuditSink.decode(line: line)
        #expect(decoded.durationMs == nil)
        #expect(decoded.kind == "http.request")
        #expect(decoded.details["csrf_token"] == "***")
    }

    /// The hand-written line must be the very JSON `JSONEncoder` writes for the event's
    /// `Codable` form (sorted keys, unescaped slashes), compared as parsed objects.
    @Test(arguments: [
        AuditLogTests.sampleEvent(details: ["form.name": "ООО \"Ромашка\"\n<b>", "query": "a=1&b=/x"]),
        AuditEvent(time: AuditLogTests.instant, kind: "auth.login"),
        AuditEvent(time: AuditLogTests.instant, kind: "x", status: 0, durationMs: 0.25, details: ["tab": "a\tb\u{1}"]),
    ])
    func handWrittenLineMatchesCodable(event: AuditEvent) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, target in
            var container = target.singleValueContainer()
            try container.encode(UTCTimestamp.string(date))
        }
        let expected = try JSONSerialization.jsonObject(with: encoder.encode(event.masked())) as? NSDictionary
        let line = FileAuditSink.line(for: event)
        let actual = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
        #expect(actual == expected, "\(line)")
        #expect(try FileAuditSink.decode(line: line) == event.masked())
    }

    @Test func maskedIsIdempotent() {
        let event = Self.sampleEvent(details: ["password": "x", "note": "token=abc", "page": "2"])
        let once = event.masked()
        #expect(once.details == ["password": "***", "note": "token=***", "page": "2"])
        #expect(once.masked() == once)
    }

    @Test func fanOutForwardsToEverySinkInOrder() async {
        let first = RecordingSink()
        let second = RecordingSink()
        let fanOut = FanOutAuditSink(sinks: [first, second])
        await fanOut.record(AuditEvent(time: Self.instant, kind: "user.created"))
        await fanOut.record(AuditEvent(time: Self.instant, kind: "auth.login"))
        #expect(await first.events.map(\.kind) == ["user.created", "auth.login"])
        #expect(await second.events.map(\.kind) == ["user.created", "auth.login"])
    }
}
