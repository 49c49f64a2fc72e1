/// Writes the XML of EWS requests. Every text and attribute value goes through `escaped`, so a
/// subject, a category or an address can never change the document's structure; characters XML
/// 1.0 cannot carry at all are dropped, because one of them makes Exchange reject the whole
/// request with ErrorSchemaValidation.
struct EWSXMLWriter {
    private(set) var text = ""

    /// `<name a="1">`; attributes in the given order, nil values left out.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        text += "<" + name + Self.attributeText(attributes) + ">"
    }

    mutating func close(_ name: String) {
        text += "</" + name + ">"
    }

    /// `<name a="1"/>`
    mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        text += "<" + name + Self.attributeText(attributes) + "/>"
    }

    /// `<name>value</name>`
    mutating func element(_ name: String, _ value: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        open(name, attributes)
        text += Self.escaped(value, inAttribute: false)
        close(name)
    }

    /// Children written by `body` inside `<name …>…</name>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], body: (inout EWSXMLWriter) -> Void) {
        open(name, attributes)
        body(&self)
        close(name)
    }

    private static func attributeText(_ attributes: KeyValuePairs<String, String?>) -> String {
        var output = ""
        for (name, value) in attributes {
            guard let value else { continue }
            output += " " + name + "=\"" + escaped(value, inAttribute: true) + "\""
        }
        return output
    }

    /// Markup characters as entities; CR, and in attributes also tab and LF, as character
    /// references so the parser's line-end and attribute normalisation keeps them.
    static func escaped(_ value: String, inAttribute: Bool) -> String {
        var output = ""
        output.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where inAttribute: output += "&quot;"
            case "\r": output += "&#13;"
            case "\n" where inAttribute: output += "&#10;"
            case "\t" where inAttribute: output += "&#9;"
            default:
                if isAllowedInXML(scalar) { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }

    /// XML 1.0 §2.2 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 and above.
    static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
