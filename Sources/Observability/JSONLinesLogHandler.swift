import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to a ``DailyLogFile``:
///
/// ```json
/// {"ts":"2026-11-29T06:01:02.123Z","level":"info","label":"web","msg":"signed in","company":"…","user":"…","source":"Web"}
/// ```
///
/// - `ts` (UTC, milliseconds, from the file's ``LogClock``), `level`, `label` and `msg` come first,
///   then the metadata keys in sorted order, then `source`, so the same event always renders to the
///   same text and lines diff and grep well.
/// - Metadata is the handler's own, then the metadata provider's, then the call's, later winning
///   (as in swift-log's `StreamLogHandler`); a logged `error` adds `error.message` and `error.type`.
///   Nested dictionaries and arrays are written as JSON objects and arrays. A metadata key that
///   collides with a fixed field is written as `meta.<key>`.
/// - Metadata and the message pass through ``SecretMasker`` before anything is rendered, so a
///   `password` key or a `token=…` in a message never reaches the disk unmasked.
///
/// A struct, as swift-log requires: each `Logger` copy owns its level and metadata; the shared
/// part is the file, which is thread-safe.
public struct JSONLinesLogHandler: LogHandler {
    public let label: String
    public let file: DailyLogFile
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata
    public var metadataProvider: Logger.MetadataProvider?

    public init(
        label: String,
        file: DailyLogFile,
        logLevel: Logger.Level = .info,
        metadata: Logger.Metadata = [:],
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.file = file
        self.logLevel = logLevel
        self.metadata = metadata
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["error.message"] = .string("\(error)")
            merged["error.type"] = .string(String(reflecting: type(of: error)))
        }
        let line = Self.render(
            time: file.clock.now(),
            level: event.level,
            label: label,
            message: event.message.description,
            metadata: merged,
            source: event.source)
        file.write(line: line)
    }

    /// Fixed fields; metadata may not overwrite them.
    static let reservedKeys: Set<String> = ["ts", "level", "label", "msg", "source"]

    /// One masked JSON line, without the newline.
    static func render(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String) -> String {
        let masked = SecretMasker.maskMetadata(metadata)
        var fields: Logger.Metadata = [:]
        for (key, value) in masked where !reservedKeys.contains(key) {
            fields[key] = value
        }
        for (key, value) in masked where reservedKeys.contains(key) && fields["meta." + key] == nil {
            fields["meta." + key] = value
        }

        var line = "{\"ts\":"
        JSONText.appendString(UTCTimestamp.string(time), to: &line)
        line += ",\"level\":"
        JSONText.appendString(level.rawValue, to: &line)
        line += ",\"label\":"
        JSONText.appendString(label, to: &line)
        line += ",\"msg\":"
        JSONText.appendString(SecretMasker.maskFreeText(message), to: &line)
        for key in fields.keys.sorted() {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            JSONText.appendValue(fields[key]!, to: &line)
        }
        line += ",\"source\":"
        JSONText.appendString(source, to: &line)
        line += "}"
        return line
    }
}

/// Minimal JSON writing for log lines: faster than `JSONSerialization` for this shape, and it gives
/// us the field order we want.
enum JSONText {
    /// A JSON string literal. Escapes `"`, `\`, and every control character (so a line never
    /// contains a raw newline); U+2028/U+2029 too, which break JavaScript readers. Everything else,
    /// Cyrillic included, stays as UTF-8 so the files remain readable with `less` and `grep`.
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        // Most values need no escape at all: copied whole. (0xE2 leads U+2028 and U+2029, and
        // sends the text through the careful path below with many harmless characters.)
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Metadata as JSON: strings as strings, dictionaries as objects (keys sorted), arrays as arrays.
    static func appendValue(_ value: Logger.MetadataValue, to out: inout String) {
        switch value {
        case .string(let text):
            appendString(text, to: &out)
        case .stringConvertible(let convertible):
            appendString(convertible.description, to: &out)
        case .dictionary(let dictionary):
            out += "{"
            for (offset, key) in dictionary.keys.sorted().enumerated() {
                if offset > 0 { out += "," }
                appendString(key, to: &out)
                out += ":"
                appendValue(dictionary[key]!, to: &out)
            }
            out += "}"
        case .array(let array):
            out += "["
            for (offset, element) in array.enumerated() {
                if offset > 0 { out += "," }
                appendValue(element, to: &out)
            }
            out += "]"
        }
    }
}
