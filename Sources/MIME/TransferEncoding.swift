/// Content-Transfer-Encoding: base64 and quoted-printable are decoded, everything else
/// (7bit, 8bit, binary, unknown tokens) passes through as it is.
enum TransferEncoding {
    static func decode(_ content: ArraySlice<UInt8>, encoding: String?) -> (bytes: [UInt8], sawGarbage: Bool) {
        switch encoding?.trimmingBlanks().lowercased() {
        case "base64": Base64Tolerant.decode(content)
        case "quoted-printable": QuotedPrintable.decode(content)
        default: (Array(content), false)
        }
    }
}
