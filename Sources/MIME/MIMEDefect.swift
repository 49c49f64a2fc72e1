/// Something wrong with a message that the parser worked around. A broken message still gets
/// its best reading; the defects say what was guessed.
public enum MIMEDefect: Sendable, Equatable, CustomStringConvertible {
    case unknownCharset(String)
    case rawEightBitHeader
    case malformedEncodedWord
    case malformedHeaderLine
    case missingHeaderSeparator
    case malformedParameter(String)
    case missingBoundary
    case missingClosingBoundary
    case boundaryNotFound
    case malformedTransferEncoding

    public var description: String {
        switch self {
        case .unknownCharset(let label): "unknown charset \(label)"
        case .rawEightBitHeader: "raw 8-bit bytes in a header"
        case .malformedEncodedWord: "malformed encoded word"
        case .malformedHeaderLine: "a header line that is not a field"
        case .missingHeaderSeparator: "no blank line between header and body"
        case .malformedParameter(let name): "malformed parameter \(name)"
        case .missingBoundary: "multipart without a boundary"
        case .missingClosingBoundary: "multipart without its closing boundary"
        case .boundaryNotFound: "multipart whose boundary never occurs"
        case .malformedTransferEncoding: "garbage in a base64 or quoted-printable body"
        }
    }
}
