import Foundation

/// One thing that happened and who did it: an HTTP request, a sign-in, a user created.
///
/// `details` holds request parameters and extra facts. Producers mask them with ``SecretMasker``
/// before building the event; sinks that write it out mask them again (see ``masked()``), because a
/// secret that slips through once is on disk for the whole retention period.
public struct AuditEvent: Sendable, Codable, Equatable {
    public var time: Date
    /// Dotted category: `http.request`, `auth.login`, `user.created`, …
    public var kind: String
    public var companyID: UUID?
    public var userID: UUID?
    /// The signed-in user's e-mail, if any.
    public var actor: String?
    public var method: String?
    public var path: String?
    public var status: Int?
    public var durationMs: Double?
    public var ip: String?
    public var details: [String: String]

    public init(
        time: Date = Date(),
        kind: String,
        companyID: UUID? = nil,
        userID: UUID? = nil,
        actor: String? = nil,
        method: String? = nil,
        path: String? = nil,
        status: Int? = nil,
        durationMs: Double? = nil,
        ip: String? = nil,
        details: [String: String] = [:]
    ) {
        self.time = time
        self.kind = kind
        self.companyID = companyID
        self.userID = userID
        self.actor = actor
        self.method = method
        self.path = path
        self.status = status
        self.durationMs = durationMs
        self.ip = ip
        self.details = details
    }

    /// The event with every detail passed through ``SecretMasker/maskValue(forKey:value:)``.
    /// Idempotent: masking a masked event changes nothing.
    public func masked() -> AuditEvent {
        var copy = self
        var details: [String: String] = [:]
        for (key, value) in self.details {
            details[key] = SecretMasker.maskValue(forKey: key, value: value)
        }
        copy.details = details
        return copy
    }
}

/// Somewhere audit events go. Recording never throws: losing an audit line must not fail the
/// request it describes, so sinks deal with their own errors.
public protocol AuditSink: Sendable {
    func record(_ event: AuditEvent) async
}

/// Audit events as JSON lines in `<directory>/audit-YYYY-MM-DD.log`, rotated, compressed and
/// expired like the application log. The file survives a lost database and is what gets shipped to
/// log collectors; the database-backed sink is for browsing in the UI.
///
/// Line format: the event's `Codable` form with sorted keys and `time` as
/// `2026-11-29T06:01:02.123Z`; absent optionals are left out. ``decode(line:)`` reads it back.
public struct FileAuditSink: AuditSink {
    /// File name prefix of audit logs.
    public static let filePrefix = "audit"

    public let file: DailyLogFile

    /// Writes to `file` (normally created with prefix ``filePrefix``).
    public init(file: DailyLogFile) {
        self.file = file
    }

    /// Opens `<directory>/audit-YYYY-MM-DD.log`.
    public init(directory: URL, retentionDays: Int = 30, clock: any LogClock = SystemLogClock()) throws {
        let file = try DailyLogFile(directory: directory, prefix: Self.filePrefix, retentionDays: retentionDays, clock: clock)
        self.init(file: file)
    }

    /// A short blocking `write(2)`, done inline: an audit line must be on disk before the request
    /// that it describes is answered, and the write costs microseconds.
    public func record(_ event: AuditEvent) async {
        file.write(line: Self.line(for: event))
    }

    /// The masked event as one line of JSON, keys sorted, absent optionals left out.
    ///
    /// Written by hand rather than with `JSONEncoder`, which cost a tenth of a page view's CPU;
    /// a test checks the two agree. JSON has no NaN or infinity, so a broken duration is left
    /// out rather than costing the whole event.
    public static func line(for event: AuditEvent) -> String {
        let masked = event.masked()
        var out = "{"
        var first = true
        func key(_ name: String) {
            if !first { out += "," }
            first = false
            out += "\"" + name + "\":"
        }
        if let actor = masked.actor { key("actor"); JSONText.appendString(actor, to: &out) }
        if let company = masked.companyID { key("companyID"); JSONText.appendString(company.uuidString, to: &out) }
        key("details")
        out += "{"
        for (index, name) in masked.details.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            JSONText.appendString(name, to: &out)
            out += ":"
            JSONText.appendString(masked.details[name]!, to: &out)
        }
        out += "}"
        if let duration = masked.durationMs, duration.isFinite { key("durationMs"); out += "\(duration)" }
        if let ip = masked.ip { key("ip"); JSONText.appendString(ip, to: &out) }
        key("kind"); JSONText.appendString(masked.kind, to: &out)
        if let method = masked.method { key("method"); JSONText.appendString(method, to: &out) }
        if let path = masked.path { key("path"); JSONText.appendString(path, to: &out) }
        if let status = masked.status { key("status"); out += String(status) }
        key("time"); JSONText.appendString(UTCTimestamp.string(masked.time), to: &out)
        if let user = masked.userID { key("userID"); JSONText.appendString(user.uuidString, to: &out) }
        return out + "}"
    }

    /// Reads a line written by this sink.
    public static func decode(line: String) throws -> AuditEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { source in
            let container = try source.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = UTCTimestamp.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UTC timestamp: \(text)")
            }
            return date
        }
        return try decoder.decode(AuditEvent.self, from: Data(line.utf8))
    }
}

/// Sends each event to every sink in turn (database trail, then file, …). Sequential, so each
/// sink sees events in the order they were recorded.
public struct FanOutAuditSink: AuditSink {
    public let sinks: [any AuditSink]

    public init(sinks: [any AuditSink]) {
        self.sinks = sinks
    }

    public func record(_ event: AuditEvent) async {
        for sink in sinks {
            await sink.record(event)
        }
    }
}
