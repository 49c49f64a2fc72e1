/// A calendar invitation carried by a message (an iCalendar `text/calendar` part, or an `.ics`
/// attachment): what the inbox shows instead of treating it as an ordinary attachment.
public struct CalendarInvite: Sendable, Equatable {
    /// iTIP method: REQUEST (an invitation), REPLY (an answer), CANCEL, PUBLISH …
    public let method: String?
    public let summary: String?
    /// DTSTART as written (`20261201T100000Z`, or with a TZID parameter dropped).
    public let start: String?

    public static func find(in message: MIMEPart) -> CalendarInvite? {
        find(inParts: message.allParts)
    }

    static func find(inParts parts: [MIMEPart]) -> CalendarInvite? {
        guard let part = parts.first(where: isCalendar) else { return nil }
        return parse(part.text)
    }

    static func isCalendar(_ part: MIMEPart) -> Bool {
        guard part.children.isEmpty else { return false }
        let type = part.contentType.value
        return type == "text/calendar" || type == "application/ics"
            || (part.filename?.lowercased().hasSuffix(".ics") ?? false)
    }

    /// Reads the first VEVENT's fields and the calendar's METHOD from unfolded content lines
    /// (RFC 5545 §3.1: a line starting with a blank continues the previous one).
    static func parse(_ text: String) -> CalendarInvite? {
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += raw.dropFirst()
            } else {
                lines.append(String(raw))
            }
        }
        guard lines.contains(where: { $0.uppercased().hasPrefix("BEGIN:VCALENDAR") }) else { return nil }
        var method: String?, summary: String?, start: String?
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].split(separator: ";").first.map { $0.uppercased() } ?? ""
            let value = String(line[line.index(after: colon)...])
            switch name {
            case "METHOD" where method == nil: method = value.uppercased()
            case "SUMMARY" where summary == nil: summary = unescape(value)
            case "DTSTART" where start == nil: start = value
            default: break
            }
        }
        return CalendarInvite(method: method, summary: summary, start: start)
    }

    /// RFC 5545 TEXT escapes.
    static func unescape(_ value: String) -> String {
        var output = ""
        var escaping = false
        for character in value {
            if escaping {
                output.append(character == "n" || character == "N" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                output.append(character)
            }
        }
        return output
    }
}
