/// Text from outside our code — a sender's subject and snippet, a tenant's category description —
/// made safe to place in a prompt as data.
///
/// Messages sit between `<mN>` and `</mN>` lines. A message that could write a line break and a
/// closing tag could end its own block and continue as if it were our instructions, so every
/// value becomes one line (all whitespace and control characters collapse into single spaces;
/// invisible format characters such as bidi overrides and zero-width joiners are dropped) and
/// every angle bracket, including its full-width and typographic look-alikes, becomes a
/// parenthesis. "Ivan <ivan@x.ru>" reads as "Ivan (ivan@x.ru)", which costs the classification
/// nothing; collapsing the whitespace also saves tokens.
enum PromptDataText {
    /// One line of at most `limit` characters; longer text is cut and ends with "…".
    static func oneLine(_ text: String, limit: Int) -> String {
        var scalars = String.UnicodeScalarView()
        var spaceDue = false
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .format:
                continue
            case .control, .lineSeparator, .paragraphSeparator, .spaceSeparator:
                spaceDue = !scalars.isEmpty
                continue
            default:
                if scalar.properties.isWhitespace {
                    spaceDue = !scalars.isEmpty
                    continue
                }
            }
            if spaceDue {
                scalars.append(" ")
                spaceDue = false
            }
            scalars.append(neutralised(scalar))
        }
        let line = String(scalars)
        guard limit > 0, line.count > limit else { return line }
        return String(line.prefix(limit - 1)) + "…"
    }

    private static func neutralised(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        // < and its look-alikes: full-width, small form, single guillemet, the two angle
        // brackets, the mathematical one, the ornament, Canadian syllabics PA
        case 0x3C, 0xFF1C, 0xFE64, 0x2039, 0x2329, 0x3008, 0x27E8, 0x276E, 0x1438: "("
        // > and the matching look-alikes
        case 0x3E, 0xFF1E, 0xFE65, 0x203A, 0x232A, 0x3009, 0x27E9, 0x276F, 0x1433: ")"
        default: scalar
        }
    }
}
