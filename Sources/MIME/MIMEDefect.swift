/// Something wrong with a message that the parser worked around. A broken message still gets
/// its best reading; the defects say what was guessed.
public enum MIMEDefect: Sendable, Equatable, CustomStringConvertible {
    case unknownCharset(String)
    case rawEightBitHeader
    case malformedEncodedWord

    public var description: String {
        switch self {
        case .unknownCharset(let label): "unknown charset \(label)"
        case .rawEightBitHeader: "raw 8-bit bytes in a header"
        case .malformedEncodedWord: "malformed encoded word"
        }
    }
}
