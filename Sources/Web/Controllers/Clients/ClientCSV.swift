/// CSV as Russian Excel opens it: `;` between cells, CRLF between rows and RFC 4180 quoting.
/// A cell that starts like a formula (`=`, `+`, `-`, `@`, or a tab or carriage return, which
/// some spreadsheets skip before one) gets an apostrophe in front, so opening the file never
/// runs what a provider or a web page wrote. The UTF-8 byte order mark goes first in the file.
enum ClientCSV {
    static let separator = ";"
    static let lineEnd = "\r\n"
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func row(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: separator) + lineEnd
    }

    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
