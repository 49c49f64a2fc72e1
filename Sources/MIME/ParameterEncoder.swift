/// Parameters of `Content-Type` and `Content-Disposition` (RFC 2045 §5.1) as we send them.
///
/// A printable ASCII value that fits on a line goes as a token or a quoted string. Anything
/// else uses RFC 2231: `filename*=utf-8''%D0%A1…`, or continuation sections `filename*0*=`,
/// `filename*1*=`… when it is too long for one line. Sections end on character boundaries
/// because Python's `email` decodes each section on its own.
enum ParameterEncoder {
    private static let charsetAndLanguage = "utf-8''"
    /// A character whose percent-encoding is longer than this is split between its scalars, so
    /// that every section fits on a line.
    private static let longestUnit = 48

    /// Writes `; name=value` in the form the value needs.
    static func append(name: String, value: String, to field: inout HeaderFieldWriter) {
        field.append(";", separator: "")
        if let simple = simpleForm(value), fitsOnLine(name + "=" + simple) {
            field.append(name + "=" + simple)
        } else {
            appendExtended(name: name, value: value, to: &field)
        }
    }

    /// Writes `; name="=?utf-8?B?…?="`: encoded words inside a quoted string. RFC 2047 §5 does
    /// not allow them there, but Outlook before 2007 and some webmail read only this form, and
    /// current readers (ours, Python's) decode it too.
    static func appendEncodedWordForm(name: String, value: String, to field: inout HeaderFieldWriter) {
        field.append(";", separator: "")
        if isPrintableASCII(value), !value.contains("=?"), let quoted = simpleForm(value), fitsOnLine(name + "=" + quoted) {
            field.append(name + "=" + quoted)
        } else {
            EncodedWordEncoder.appendEncoded(value, to: &field, leading: name + "=\"", trailing: "\"")
        }
    }

    /// A bare token when the value is plainly one (`utf-8`), else the quoted string with `"` and
    /// `\` escaped; `nil` when the value is not printable ASCII. Python's parameter parser
    /// misreads some legal tokens, such as one starting with `*`, so only the plainest go bare.
    static func simpleForm(_ value: String) -> String? {
        guard isPrintableASCII(value) else { return nil }
        if !value.isEmpty, value.utf8.allSatisfy(isBareTokenByte) { return value }
        var quoted = "\""
        for character in value {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// One blank before, one `;` after for a following parameter.
    private static func fitsOnLine(_ parameter: String) -> Bool {
        1 + parameter.utf8.count + 1 <= HeaderFieldWriter.preferredLineLength
    }

    private static func appendExtended(name: String, value: String, to field: inout HeaderFieldWriter) {
        var units: [String] = []
        for character in value {
            let encoded = percentEncoded(character.utf8)
            if encoded.utf8.count <= longestUnit {
                units.append(encoded)
            } else {
                units += character.unicodeScalars.map { percentEncoded($0.utf8) }
            }
        }
        let whole = name + "*=" + charsetAndLanguage + units.joined()
        if fitsOnLine(whole) {
            field.append(whole)
            return
        }
        var sections: [String] = []
        var current = ""
        for unit in units {
            let start = "\(name)*\(sections.count)*=" + (sections.isEmpty ? charsetAndLanguage : "")
            if !current.isEmpty, !fitsOnLine(start + current + unit) {
                sections.append(current)
                current = ""
            }
            current += unit
        }
        sections.append(current)
        for (index, section) in sections.enumerated() {
            if index > 0 { field.append(";", separator: "") }
            field.append("\(name)*\(index)*=" + (index == 0 ? charsetAndLanguage : "") + section)
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    /// RFC 2231 §7: `attribute-char`s as they are, every other byte as `%XX`.
    private static func percentEncoded(_ bytes: some Sequence<UInt8>) -> String {
        var output = ""
        for byte in bytes {
            if isTokenByte(byte), byte != UInt8(ascii: "*"), byte != UInt8(ascii: "'"), byte != UInt8(ascii: "%") {
                output.append(Character(Unicode.Scalar(byte)))
            } else {
                output += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
            }
        }
        return output
    }

    private static let specials = Set("()<>@,;:\\\"/[]?=".utf8)

    /// `token` characters of RFC 2045 §5.1: printable ASCII except blanks and tspecials.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !specials.contains(byte)
    }

    private static func isBareTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        }
    }

    private static func isPrintableASCII(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
